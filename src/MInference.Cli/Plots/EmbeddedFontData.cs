namespace MInference.Cli.Plots;

/// <summary>
/// The font the plots draw their text with, inside the program, so that PNGs show their titles and labels on
/// a machine without any font installed (SkiaSharp's Linux NoDependencies build only looks in /usr/share/fonts/).
/// </summary>
/// <remarks>
/// <para>
/// DejaVu Sans 2.37 (Book and Bold), cut down to the characters plots use: ASCII, Latin-1, general punctuation
/// (– — … ‰), super- and subscript digits, arrows and a few math signs (− ≈ ≠ ≤ ≥ ∞); kerning kept, hinting
/// dropped; each file gzipped, then base64. Made from Debian's fonts-dejavu-core 2.37 with fontTools:
/// <c>pyftsubset DejaVuSans.ttf --unicodes=U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030,U+2070-209F,U+2190-2193,U+2212,U+2248,U+2260,U+2264,U+2265,U+221E
/// --no-hinting --desubroutinize --layout-features=kern --name-IDs='*' --name-languages='*' --drop-tables+=MATH,FFTM</c>
/// (the same for DejaVuSans-Bold.ttf), then <c>gzip -9 -n</c> and <c>base64</c>. The fonts' name tables, with
/// their copyright and license text, are kept whole.
/// </para>
/// <para>
/// License of the fonts (Bitstream Vera license; DejaVu changes are in the public domain):
/// Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved. Bitstream Vera is a trademark of Bitstream, Inc.
/// Permission is hereby granted, free of charge, to any person obtaining a copy of the fonts accompanying this
/// license ("Fonts") and associated documentation files (the "Font Software"), to reproduce and distribute the
/// Font Software, including without limitation the rights to use, copy, merge, publish, distribute, and/or sell
/// copies of the Font Software, and to permit persons to whom the Font Software is furnished to do so, subject to
/// the following conditions: The above copyright and trademark notices and this permission notice shall be
/// included in all copies of one or more of the Font Software typefaces. The Font Software may be modified,
/// altered, or added to, and in particular the designs of glyphs or characters in the Fonts may be modified and
/// additional glyphs or characters may be added to the Fonts, only if the fonts are renamed to names not
/// containing either the words "Bitstream" or the word "Vera". This License becomes null and void to the extent
/// applicable to Fonts or Font Software that has been modified and is distributed under the "Bitstream Vera"
/// names. The Font Software may be sold as part of a larger software package but no copy of one or more of the
/// Font Software typefaces may be sold by itself. THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
/// KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
/// PARTICULAR PURPOSE AND NONINFRINGEMENT OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL
/// BITSTREAM OR THE GNOME FOUNDATION BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, INCLUDING ANY GENERAL,
/// SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE,
/// ARISING FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM OTHER DEALINGS IN THE FONT
/// SOFTWARE. Except as contained in this notice, the names of Gnome, the Gnome Foundation, and Bitstream Inc.,
/// shall not be used in advertising or otherwise to promote the sale, use or other dealings in this Font
/// Software without prior written authorization from the Gnome Foundation or Bitstream Inc., respectively.
/// </para>
/// </remarks>
internal static class EmbeddedFontData
{
    /// <summary>DejaVu Sans Book (subset), gzipped TrueType, base64 (line breaks are ignored when decoding).</summary>
    public const string RegularGzipBase64 = """
        H4sIAAAAAAACA+19CVhURxJw93tvZnDw4MYLGBgBFQVlRAQUPPBGNIiAqAjIpXLJoSIaz4gsUfBWvI0aQpAYdBWPaIwxHsQYlxBjRE1ijDFxlSQm
        UWF6/up+b4YB0SS7m+z+//fPs99R3V1dVV1dXV39HiKMEGqLFiEeRQ8PHDoMf80dQCijAaBOw8eNHf/4g46TEcpUIWTTZ/j4CYNd9wScQSg/FPI3
        jB3v4Zk8+aU0hEaeh+ewaSkx6eWKj44hNArKo3WJMZnpSAEHyqiD59aJyTkJPdu88zrc30do0Jqk+Jg45/e/KkAo8FuA9U0CQJsdJq8Cvj3w3CUp
        JWtu23mvdkFoKOATliWnTYsZpZwEeYN3IsSNSImZm46n8afheRGUV6XGpMTP77l7ErR/CKGuHdPTMrN011EktP8xzUcc9oJ6SFYD3LZCyFljrTbX
        mPNqHntVVVVZ7bYmRFajnUW24HgodpYv5e6xssABNlebO0LCaaVcl1IoVcO50QTltiMkt5WdhHIOUM6RdzTFjpYa3tHakSW1JUtejiwJtuRGKHYO
        TMJdpu9MxP3IrhDsT7Yk7Uwk1xN3JZGzODqUnMTTE/hXSAWfR2LwDhJTTCo2k1i8nabNOLgY70DQWimpFlLkVsgRdUUe0LKad8euXvbY1twde/Xp
        6+2lsYYHawCa22NrK7mCN28LVxtbc3/Id+EOxeHp/5iRcCXtxoXPP4ybUj5+/FuTb396+9O4rHmzvly4OJdU455cz56HBg7C+HyXsg2vnWj7/beC
        Q6e3ursLZIL60NY3zrTjES5uMyMiLLqGjDVPjYxIQjI0S3db0U1Wh0yRLVIjV6QB2pzk0LDGsy+06+ppA8SonVyARmO4swarLY3yZFfCp00LnzBt
        2oTtx45v23nseMPGsGmx4eHT4vjeOxsidzpsP3F8x46jx7jV65YtWb9+ydL1C2uPH79+/fiJ61zM+iXL1q1btnjDwic/ydtcP/7O59dPHKuFvlqs
        uy0jQFsr1AuoYuKA1r1bYX/srZFzCqx2bYvVTojKj0lR42lDRahmhOIfJ034ZOfUfSNJLm7wGyw/1jppCrZtKEz6eukP5KPly3t53qwcv3dC+PbA
        6Uv9ePVLuyLWvBcwkCvUPp5YlbGMkJfJ7bUTw7Hl1UVfTgtY0H/32S5dDnv0TovQJAIxVN9wGtM3pm2gaaKa0bwD5EcuV26B2sCDnLO2srBVu3Be
        fSy8udzlS5a+snPD+nUb5RbfEP+7d4nfne/xB1/cwu/fpzX3QM00saalxsbC2opTqPtaePXh9kCl9Rt2vrJ0qdziPul/6wvi+/0dfPbuXfwerTeA
        G8WfAUmZw0MbrHAGimSuPbG3DEaMM3+GbMaJvuRABjngixPJZl88LgOPE269dya2iuThnKrYM+9Nq8I5JK8KcF1DSHZdJoBGAGcwJuhY8nI058u5
        ntrqEm0111MmaKtL6U0p15O2vl1ngc8gAtqEvDXWMH7qqvcsDiFl5F08kObH4VvcQm4plZUlIIzjOmnvcEv3QM51yC6Hmjyrqb5eXU0IrYF0g7kK
        SbqgaZxJqfYxCPhJCmhFnu62UChpLOgqZ25mofG0MDfjXD2RuRkCfYAzV7B12zb4t21bPW5Ffq2vJ7/iVrJx5BL5ENIlQKrBfbBmJ8kky0keycQr
        cQ6eh1dC21+C9YqEtpVAk6O5zMtZQ6VA8CiQYvxFPKphT6mQOaJyxNOaUii9AUqPAmo6g4WCYl59kTcbsKCDCi9/rPEU6GCWI5zPnW4IgnY0MWNe
        Xz61eu68TyK+xVZDJ3Ugj0pLS+fg1b4pG0fO2TB4yIe9Pb99b/LedDvyPeDfCtxmAv6uwCs1DIKjkwu1G+IwdMNe4k2T5viA1a+Rj8m3UedmhJ5P
        OXnu6N7yw+u3v7Zp/MmMzAsTv8GtV/HODu8X3fjR2flMb88NhcvW75uTnpnbxeWQSnWlYv6b1OzGAV97QAoc1cVWYCg15tQAU13g5YTDxIvU1FzQ
        RsmcG27zlxo0JWQnjj4jasNtIQ5q2om9bU6pQtZg+YwJp/Te4Dtod/aI6PEUdyGfkIdRZ5Ii3525/+LF/S/tCpXVlJI17dqRB9/9QH5Wqap69zq8
        devhLi5ATyHg38D6v0tTW4XZ0Od4fYNqFdUER08bbs+KHTtWQMKtgrYEna9u51cx80ssI3VfES15gMfhTkFbeL9ju3cdP75r9zEup7KLC/mRPAyf
        Qh5+/w35julGLN5rT7krAbkkAXdyxh1WY8cS/l3tV9WYaDWymrCni2VuoLUFQGMBo1HNrL2x5aSWqouG2U4F61G1UxewXZb6AiAarqBo796ion17
        yd4lq5Hu5i2yevGa18ivv/5Kft0zYvXSJWvXLlm6mjtbnJdXvGV5XnGYqmLRwY8/PrioQuX0QeG1b7+9VvgBjslasiQLEhItqZAH9LSnMvNmvWBh
        KdlOpBHl5OSC9e0DsV8GbR0NkvKtSP6C1GOzrzCPzcnb5E7QVuwvSdMB5ATWxiJsMm73/TfYho2lHWSSPbdRL0vaNngT+IygFmdmbzaLW6vrqqvp
        WBfUhM7J1H6wEq2o3WMlmBWppnYEymivGWzJNRQluy7so/JvxVljLyy7Xv9YMHlKZBxfR1aTtYfxlX34CmC9hqNl1/ndYrtUE+lxTcbRok8Jv7uk
        rrQpPksvTBGyIoKcrztMPPYRj8M4hXKxFibxAyBBnkqQ+iKWaui0ANx0sNNObQczlQImK5xXVXX2VL/ISB/N0uSxB2OiTidW3hoRGeHhaiKXE4JX
        F8cvCZvoFdV7YuqwISd8+r23Iyg/LMzDq4N1/z60xTyyVTFLtht0KAgYN9IOTDvORZruvDSig+Dq0oVSIU43NgKdJ23lVLVcxamnL6icYAv6ZoaA
        v1Xzc1cWzcsp5Bz7b0ksu/rZm4lb/QrX7A0YmERqDuR+Fb3t7cyU6dhq2+InSZELyLVNR0nlokXLV7y8GIe88wmemTt6LHmPfMt1KHxtz6pX9+4h
        I8aMfHL+/NPRQUu1Kptbb888MW5pwaCBCeTvp3eQ72YkpYS/lBaTuHTBAjzyncN41IKFeeU7Y7/JJU/Ix3Lg1AxmnCRma5TM1lCTz4Mfxp0gDzhn
        knuH8/nHCu3UFTWyttoOfPlTN7yQLIaeuABj8T7UM4F5T8VmK1FEhhtnR+Nh5ojX4sDXtm17jZzAbutWr15HTDnh7tNF89fvJXX12m+5C9obeQWv
        vsIlEP+0jFnp+959O3+3lapq0/nPqeZlgjfiChrQAR6opZGsS19v67aGBxuZa8LdJTpE6rAZRkvuJsz45zKyn8zDy/H45f+UxdZMjSLnyGfkGjkX
        NbV6xAi8AyfiJLxjOPAO3MgOSNwAL9KodHZk124Yr30EyulAviRVZDDUq8AbSBIZR2JkHvVzcHvsjntg231kI1kEnssGoJdKpwDwmUp2WEoX+APa
        jtw5rQ/3uMGfmtlhpdrbpVJ5NZRvZVRefYGP1KZz47QHLtKiI0q13pIkqHUDC+/MfANQNEkAgq2xaIQz5DBnkU2+2Ul2k2xcgKPWYEVaekMBeUD+
        iS2xxcySGrx6n3bh+Al4M07BqXjziGFXp0aTj8gV8g/ykTMS6ZL5SXzAVAweDXPuL1zkbl68qHUCwrRbubinbpQnqTxeK/oOUB7KQYmn1C/TbSAJ
        LEfEZCaXZs8LFy/dHhOwPBWKrSU/Pird8J7U6gzRC4Cy2JGqJWt0Oxa0nfiO5Bethjadz83Rjmi4zV3W9pZkSGvJRFpB2he5qw1TATM4C2K+3AHy
        W1MZA0rqOaopXtwTL8ALcc+zZGEVWfi+rKbBhH/81E3m0IAE9PRLvRw0+v4B/TBnBGEzbsP7pE47A+rUOwhfPnUTvqx3oPaD9tK1Rj+JdomGeUiu
        YvewM+9aS7SYr63FmOhqsS+eS1aQD8hZ6hbKgkgluUO+IZV4BO6IO+ERe8gksp2aeLwHJkSYEpGot8JKpreWTG8NQw9cEcENaMRrycri4pWkHz5f
        T5upJxdlHtrLa/KWr9l3+/qNr7QllFryWKLWrim1lqKX30gz14TmAKx8dMNRbSaSjP0oC1eepfzpZXLjIcfhvTiG0s34aCCrJPpl4G8A9Z2Zj2Vr
        SddmbmwNqaLmw8ATv3JQrv+la6dGFcytvYjPY9SwVJtP1qxfv4Y7YVP0MknCCzfEavNlNZ9+tvIYN1b7IG/p0leg56jHuht4c5UsB5tgHVpw5zyw
        3jkQRmR+OHXvwTn75n11ldwgd2c8XJR7P2P/ibzi3K8uYtufp38u23PWu++i2dPiHTq4XTt87YteHh8PHbbi5dT5Du17vvvmB1+7UI1/Cn1DV8Uw
        A/KSKy8XHmofVGkfwHh+WiNj65UK0JRuUMqcaa0404B+ifKuqCo/8155FbkF4rxDboFmZsPEXMcXNEwmteRT3B1TN8xgw2EeBfvdCkw4N0r7QTW+
        hj//h/Yc6KatcI+NQhSIkGKfNAZoQVpW3QqrAz+EvvO5TU+XSD6BDn0PFvj1FsIDmmAsmD2tY2sdY3vA6tPaePE1nImzrxEVzPxkMpn4OWctLfw1
        DY+5XO0rPFUsXQNI5C7TVsSzpkEmwjW8HW+5pq2rghrFXELDj2Adz9G2JkNbDgabiKmDjx0zhfUN4/hz9QP4Aw2Jspri+rTSYmG1tO6LgDW+6G9Q
        L8bxAC6pqyMALHzSUNhsZQOajUvZ0oaubORrIfccW/9ZiTEMR5jb1V5cGol4+FBu9fhmoVwopB4LXwLrMyZpiXX+BOdwgYwgIy5wQKy2GheQbLYy
        090ndoIVKWPrKKBdsKr/jJQVUiylQh2XL0+gORQFTsMdN5Nj8gTyNzybjopc0NmeQi7YP2cj/3UA9gaSDP6HYxPfhzt5q2xx2uajlZUBJ1aUVWnr
        Mff6xujDofEnI3+q4zQJubGZ1w51C9IuLk2IOb37nXctFha4u5e6ujbQ9o5Be3uAc1M2CvVeKDSJmTsPwx7adKVC5e+8vmbN6zRpV/m+nfsh0uk+
        zH3b9+hRzqPq7t0qSFxIXAw5QR7DcSImrgSwYhrn4O8CPx2Mx6BGmr2dpNmbvxu8bdzBDz44OG5b8Ji9U7Sg3j2xfMJuwavMze32pUu33dxKu3QB
        itpiC+yrpnQDXiESWjBjdNPJiYmHY/bLxtht43dXVvq+Pb9Kh3RV89/WngMOSkqAC/4wF/XkfklcDA7EJnAExhBriREJ/0Kg2wp1Yn3ITEWjywGi
        UTBuFMLChorWl47MOBc77eOZ5BE5h7s1fIUVldzeFcVH23JRkSfP9elT3r0H7oeVMPUOITfe33iofDvVSVihcI+BB2q/rQGXHRZthdpLQ3uZe3xg
        2hjsQa4cPXCg/B251eZxSdMKGzz4K4XBx9lacRYJEyKBRlO2SjXqO1szrtG+DcCSYCxEv5XfvXf9ur17163fW0nI05iyl17aHvL3Qz4V8z9qaPho
        foVPJTfgfG3t+XO1td+Tr8g9O/uDPbq/c2rStFiwEDwWsG/sNDanwiJDiJOoB6LF5s1prJBppRBXOX/++rKjRwcfzD79AbdHO5nbvmP7yT3aPLmV
        dnt83EPKwWmomwM4xLUC9TDAwz9dCT8hun6n3Ooe4nTXSRgrY4raiXZS7z+IZV/7+7De04NYhVc/fXdrzGZ513sSdVuhluRHUGsFVB47yjl/ry3n
        ZtZpzx2VWzVMx7e1j7RlnFp7A+o0UsNoATrkVk/uS7wq7EDSTvAgrjeMOW5k3VpkvdvQd5e8dfJoRnbhvqMZc1buO3o04EDOvDf5/Pmzf/6KCmLX
        VioIbvvuLade0+YJ0eWJsfMNMoV2npGp9W/IFFBQkYp6m810wrZ5RNEoSpO5ruzN9WvLytbWYQvyoO4H8hCb87fuXrhw99vz5+5tJefJffJPUGUf
        0Fgr3I/aCdC1PYCXjTdnA0mSgWhiODKPHm20D1w/vdUo0ZbLlaVGFgJ/rx9uTXS5cwurLmlY01WXGnvoRzCX2TiufSsrDXZIW240qONKn/wiSpYf
        Bfipjy+aoUax2vKjHEb22Po60H3sFUv3zvwhC/Oqk9oKEGrCNJkMaqeBFTsHtVvwJGggtrknQVeIfEFwSWR+fuy6gPf3/vpZ5JnkhA9ilrwa/+bA
        Nzd98VHCISGgvGvX0NCBIx3bdt+cv/WwWn3Sy2viS6PHObfrsn7J9jJ7aNUbBPOjbLuoDdQ0WNn4UUPh4kVNhDmeg3PJK6Mz33mnZndenmw7ea9Q
        uzM/uHjHP7joQuxPpVoO2hDB9MkKdNrcyMmQZhNcTjVqf2XlkLezT5/Hl/Exbp82ZseOk3u43PqdZQnT6vgSce4HaxjNVuui4zDgDI7CUWfI5KdC
        dEMoX1a/k+pvGPjZXlCO+RidMP2H1aZYHVb5zZ1r39ypJNev/fDjNaixgZ9BU/1OfkPDDFrTD1rIgZqmNL6gZhMsNCTEkZm49Bo5Ro5dwwdJxjXc
        DXcTorW3tKdxJRnBjeJsyCxM59UBoD+UQrARsrZYtBABmHk53NrgdfPXJgeFahyJn0h20vl5xSOWhwrBDev4ZKgdAdpxHWo38Tdm8TO0QdyhhgXc
        IW28EF3ScH1tCe+MMEakQrAFOwEOmIx2xwCsjwjCXV8/yZaz9a8dVWXB1v/JG8mrBgwonPnGE//AlWGTUtMiw1aeLFp34+HGrMLM9XU31hZGrHy8
        bVWHTqu2Pl4ZAW0IxA6Xy+0Mce7yUrndY+o9NWtfatTbHRuosKGNNlLhBhWGvTohMi0tcsKrwwKevJ68yt9/VfLrTwJOhhU+3rqqU4dV2x6vCi9c
        e6NufWZh1saHN9ZRbwdXy67zvdmqgE3Vri70MHgdtjb0gNZl16cfjEldYypTtNsSFVEWS5/WKmUmbbdEhb3B964YG+gncLzMf8z4irFD+7PbILrH
        RAo4BBJnsSdM1Vltbqmx5FBVVZX1bis+lsDKshDHky1Uj8vIOVgjbwL9c6TWh21J0IHoyvtjOikroLYLtWze5hpLe8ztW7tnD2c2akUgHpY/YlD+
        mIQfaBz6hwQ8Mn8pH2HxVeXRr/hdZd268w07Zd1dS+3VCvI1VlmBtmLMYfAfYL0vOFK9XAx6GQtriE6GkS/O0lRFNGymNqOjXQgOWjFgXRbOIzlc
        zwaH++fOffrtgI2yQ4e7ddvyydVC4lFaiq8UPsCyn9gaMQqFCCeECilK6W2rEPeebBVsY8XFVeEqbqx4u3rbMhNlaWRg+dzLGR85d3HpeiXjsl/W
        AN+5Ay7Puuzs7OJyOfOyd9bA/tmTt2Skb982a9ZW/ssrmR/5zfEPyPSBIl1dnJ0vZ37kP9t3YFa/jzIvuzp3IfPTi4vTM7ZuA05DgNMz4N+2p/tz
        4uaDlyucxJUC8KuwdhRWkmkXSDTeGUoOYRNy5iTOxTmnyHtw//dQvAOfIz74XK5mSy4sQgK5E9rDuVs0wC9o825cDv1n2CW0FHUapLJJq+R+ERA9
        U8lM1g3gd7P1qL9+78mWBdos9XYX9E6U1jPWVzK+hj0pnBvgX/A0wL/ww/GF/WKSP+rYtnrp5Cn+Ph/uH1kcEb7ON2HWjQ6fLpoyyc/v/L6Rm/kS
        90j3oFfyek5yH72CW7vH1XXc8MjMdiZziuMjX/XqkzJwVYmdHUBDgxJy287dnDCpsHeP9KFLdtgB1Vdlw/hucjOJP/BLaKSSi6qqIjlVVXKzixcv
        goHBoEPyO7JLMDN7oJFQzlOwFfeamgYMbWGMiYyLTqcYZ3THts/6z1I0UkCbsCIlJTk5JYU82bSJPBHvsWLT0q+ioqKjo6K+WrrsdtSUKVGTo26/
        PnjJ4PWvv7ll4LzBQ/KHfVZf/9nIFbJLqVD1afEmUp+Skgr3WLapGMvhPjEqKurOksW3o6KmTo2a8tXSV25PiYr6ebGj6q1tO8odnBbadX708ZUf
        OwPnmbiG92ORWnvUTYxlYaNFi1/TgK2scWlTwB3QjuPK1/comrJo06kTh7Oz/VcEjlw99MhBcn/Xy7EhSUu4cblcJRmYHhCYNyvvb8KkSU5OCzt3
        PlA3ZOzAMUUZdojtL68UnAU1WAi6+2fdioaULcWL4Ew3aYmbWrwI6lPgpj86hXeH4N2GWxbjxg5g86JYFImNgGsyrqR+Hx8Fs836F+ynCU16th+L
        Gz+nD12f0+eWanPjjV/QbQesdpXCIQJqoRuXPafLF+TmpoZHJBwonx7dfoh7ftliv5F9B2+RJbTUj4nP63USS+77jw4KSJyTE5ZubjJm5K0r0Rqy
        lQ8EKdTIYnk32S96KdRwYdpS2S/roA/O8Nn8ADZ2Oz6zm22rH62gChwal5o6blxq2tiBs93c3Y8uzztUKUtLGzc2JWXs2PTFvd17ZgxeduRQ3nK2
        j9G4L9qu6c4otUlGu6PaarbHIJAFpWQBXlqKl9bvo/HVKG4rd4jtwSA2sff1Rs22DrAct8Yl2lKnAByRNKHPvBFjXvFZXU7+3o9vm5Hq0A/3jhr8
        klqd27nzsuQC8nUvwBnLreQuGe0ONnUCn90dpH3KtZ4cf/JtnwXD+swZkjI3LTksKiombmrXhJdGLvIueiNSiLZICZm/3Noqp1PHscNGBSUH9Pcd
        YGGbaW4xe9rQaJj1M4UHfIgYOWB7swXnyLHN8gSyAugpB+/nDsymqmZenrGpkKYW8/LKv+WtW1+pdm6l6txtpHpoSDvP1bEJhd1JmFypHbF6XUkJ
        t7Jhd38f09brbG2Cx40dGxysvcr2F/0EH5gf2kjzAz1Y2IzLwe+uPLnq6vdYkNU8SZA7PPmSDza/UXnyW7rTzI3A5fwwcU3Fdpr5YQS4UZNsDtZb
        1Ld1fFaCrlyod9+5s93D3ZxGefj1d+vpP73XxEmtWy81b9fL3T58AB2t+dCvZ2W3pBWewsub7pQ6bv3w1jf5l7RXeSU3rVuWq9Ytlb4FEg22KY7Z
        pnZ0Jme2yegtClsjXWXWCEcc/Oijg3Rrb/rLC5OmL5gPFkjodOPUqeu1J0/dyNy14pWdO1/J38lWsCuFEXq7Y0nNTSvsLF5O4xriBhanGlfo7wQ1
        iQohUadA31qfarzV6VC+7rZioazOzAXlIGTmiu4LBdo4MwW6x3shJOUHGOVnNMuPNdTPfLY+3b0lqXwZ05AubIYS98uazyV0X43aKktwbPCjk96R
        kb6apSnBh6Kj3k2s/GLkxIheLiYK+fsXL3KXt8YvCY9ocRetL25LgCIWmVTMtHChq2YzBXYUTuDsFuAOTeApBrhTE3iUAa5qAg82wO0pHHpYwgP2
        oi31Fo2Xpjx2NKzPqJUVt7v40IkBA8MjAgImbiJ1nCOJGOC/IzNjV0B/zkrc/pJHBkwMHxQQEUF+0nbgg7tljszcuStj2OxuTwvYjhhH/XLFCBgb
        7cRYjmHTxxzQY1sYLgovbSdp82eAtm7nJW5WATmMqwz7QBSPrGZ7Qx1vRnszk2TTPS/grQvlDc3FPVkvs70lJjsXSabbmSyawx2awFMMcKcm8GAD
        3F6CwyoMH2N4uov4eQ8G3w0q5GAEdxDhOgLwaIZfhDtJ5WGdyEUw/CLcnsLFfUbZMRaD7kBHobTFRt1oSyYuafOtGu/Eb+MNZDoZR6IvXKjC48iB
        n/S7cLIa/WYbd6II3yZ2Rdrv9PtwkoxkGqYvHpK+EEYT25dhPPQSeZO5tgh3aAJPMcCdmsCjDHBVE3iwAW5P4WDpOqAA2VbhrLiyVbTCrq2wdyss
        20q88YU5xIt4zcbnSb/ZuApXCUHw7J2Dq4hXDr6Aq3KIF66i9itBd0x2R24LayVL5EYjx/Ys9sJcChrSAT9DAa4EC6bawnICXAz2ZgEsJITDWo3/
        rqm1GLvmDIAr0bq6Lg8eS/dsltwI351QGjyObj0tujFpd6IQ0VAxcAjdu0mvrBw4hG7mpJ8I3J6ATXbS3Zsxo09N/CCR/MK2okaPPhUBXLM9DCa9
        vpJGPmDSaA53aAJPMcCdmsCDDXB7ES7uGzA8vhKeTKZJ+t2v1sia2X+NYdvLUr9tdOEi0e97XSQrizevAs15/GVt7VekXHDVXlmzfPlqFnPT3RbK
        YDUN2mIp7u0zu/iC6I63PoB07OHnH1/nN5b4DvLZF/1l9cAVI8e9Oihrrl/85Ojw1zeaLJ21ZMVxYdb5699+YZIZ7fFSd+cZq+LKjnRov8febuqk
        gFB/b7+8SQvL7BLTC5bWr6W6y6L/8gTgdjBwK0eDQlqCZrUIfc8I6m2Avm8ENTNAkxqhCrkBeiaE6hpAFWlCLoxhDVuDiWFu8e0eWPs2BsL1LsWz
        OxJ8o3MvP4z35m8+2jZw1CfLvsImDRWtPzySdD4u7uMZrz8eM/Kzwnf+YbxfsarmobiXwa2jQXLcKzKK3Hgaeeq8l1d59x45c+bOPV7SuIERTdpL
        mxuUm1kkm+40ADeBos1Ehcxmskg+k9MwBh+EClqEZz0H/l4TuJkBniTCdXTDap88AebcQTpYiljI0busfBHYwDQGzzKG624CfDLD/66In+YC/BHA
        hzH8IjyJwvURXdDPtszbNFoC0kUxXUuwoG4fFh91lbk6u2psnW1l/DDPiG6vHy1fs7q8b6uXM8jX39wld7DVDYs+3XeQ0464w9+/XojHOJJr/Fpz
        s8/OnLh588S8E9ilkHyxX0cuYG+ke4q9ZbJDM6dN/nB1Wkws5UiM+FPdGssofB9tMkgmm3E0TtTazJagWS1C3zOCehug7xtBzQzQpEyqn9fQBtl1
        IY2ttU3F1TbdCaC+PXfrF/hpn7I3idJ+IRY/c4NKaZ0Rut3CVuFEU/vZ10uyn1SetgoY2mKQWQzH0Fg5tZ98PunQLXHQ2jKryd0T/Te+YWm1oG9f
        bP7DlB1DCqau8epLHtRF7wooiOYdtQe6d/32/Njs4m7dvq8ekeq+cczZOTR6rulTMvbgmA/m0oh6H01JMHDG4rJMCmGixHJRC9CsFqHvGUHNDNAk
        BmVRUFY2UsQQhfSxe/1embNhi+aPxe4VJ7W7WwreG1o1M7SaFGXY2wE7wiNB3E+xPF1ZOZnu6wAQ7G42+O/vy/nn7R9x72cFB0clZ2d3mzUqZ4Fg
        S17BcyZOnDmZbOcTyZv9+i2nOE7DmigA1kRyqgeWaleFGh9e93PBoUMFdGH088+UjgfCl7yFQi7tiBgx6613/2lrmyIGDgoPHzQwYt6OzMwdNMke
        BUSEAzBiYObOnRQG7R2W2fGj5N4sGiiqjkLNqHUQNcpbI0bVG3xsHNu4dOEWcAmTXAY6N3mSRXpbWY4MyVvb2VF/A5jncVvRA5CGtPc0LytLzjds
        1supSOaBPKlnyUKwChYFc8A2tuDFKuQsNuslRmO9+rjCLAWlvPp496VRWm5Gb68+PuFubg4OU7ou8OwTPGaFj/+AwIEB/gNCIlSd07om9+o1fNiS
        gT4+sjYxNqamtu09ulhZW5i07+42JlyjUSotZ9q3a+fZs7utla2JdbfuIyN69W5lItHFO8rasTHIYyZ7XmPrzVvpcOv8S5fysUV9/vHjsnbkMjn5
        yy/gVLjdukX7Ywz3KrdLZg8zN30tgTEDlHtLe9xyhbxJvEgBc0pfkRV87NW+3iHDon39MjO7+vWfkLJo5/bXZkzt7+vjNbC/n8/moNH81c52Q70H
        DhgQZ+tGiqf6dOqUPGl6snJ4cJs2HaOtTU2H0fe9hkP7NdB+R6RmvjoTnDdMaXJRlHrJKSRZK7ga7fcmAwdlDgnw9/cfPCjwjdhpUVN2rBo/Pgv3
        6RMW4+vbin/oOaNfv3Zt7WLat24dHr6+eFLkSyEpoRrP3r0ijFpke8mWXo6i4hgCA8Cvt6g9wzlrxZLMIQv8A5YOeePs8R2r9mXhpLCYbBP+uOfM
        NDtA3758ffHfX0sJjY+N0OvGXdCapruc2dk4ch3Jx8s3kuJsOa8lsCC7TiqwJ/lIrCPkAjVOLe8x2jbd3+QqskaMnpiUne2aNiYouaNbTkjanKwR
        oyKn84Rsx3MmhdMRyWXG+HgPHTx0cP7LdJhGRsyUuL4M7bSwE2n0bUPBlJTkqCnJyVM27t+/cVNZmXBu8axZi5ekpy0NL99S/NZbxVvKAVc23s/d
        B1zm7O1mA7G2NmZMXbqA1kNPwaDw9P4uO7tL+pjF4+C3eEw6TujjVenVh55gTjjIx07t1zdyEvlsUmTfXV8PHDRoID1RSaq5rfi67DTbJ7OmU4q0
        heIqbrZ53X/4sNeIOXOWazQTJshOV4wjZWN6hPXsMRuHjqt4wbv2YB2lHJj/6fc1tOQ94SCXYygpjK1/m8spEnP4rUY5fL+G84YchXGOot9jKQfh
        eyZIzKErKBP0GNEMnY7uIHGP5XZmLmgKm62n4FHMz2DvpugeAHwgg9PXewfTGBJ/D1eL79BhtZelhseL6WvA/L39OICcZu8r8QRflUqwN4WxQEvI
        ajaR0ziAlijXWeBq8YsEZ7EEMvokoSkGa0s174VfCVm8R0Kwie1Y8vf4FFbCVE+HzIgaXGxE036Jsua1WMvG7Yu1ZDWMjDLpnWa6O2rBpzBqTfX0
        imeOlScJjbRLlZq3xHhwFDlZDJxwKYyd/ZSd/eIZuPbR+fHnxDensKYxgIlLDuA0svoAWU2/aCGTN9e/JkzZbFTekn7bIAU7adJIIYVzUiWaDoiX
        W2Qy3lPMOWzGewCR9ktYd2rwFf4VwZG1qo940LlJs//l+W+WLVhQxj2d/+ab8xeUlSFWejFfI8xiPdPLvBfuhTXcbryYq2PxRfoSxOnG70Xu19TQ
        70U4ChdmMrhCfDubJn5DTY02jBYhNAfKKKykMqaNpcSSn3zCvVFT83S/WBrKY1TLzcRv8dP1EcPa6mp+OoG64A0qg5p8MRWARr/AshjdO9Kvpoy/
        WHhO7M/kUXhcnPHXVE+ypO+nBGf2NZX+26oKKX+H9PVVS59XfaH/ourJT7JV+k+ttDv0+Qv1NYAFkq+7zeLJ+thuz50Nk3fK6p78BDIO41ZyDyCv
        DY2ZIGnyhwmL7ncZ8cGZXPTUaDzpaeOu0tJdu0tLZRvDwsr2h8Fvf1nYWzerP7l585Nquvww8jaM3rsBnyMrS9ZOu5JPXAJlAmBueSS71exLFGu1
        l6MXvkGqsJfNvry8IhIrSyBTuM7ar1OOHcuhNiAB6K2Geo6AuRd9+V+avkVXxeCpiOvFVZiQnM52nTvvioqKiT7Q/+XBPv7+Q9OWLEnrk9RXdmvq
        h60EYUzQ0rzRoywsZnVq2yahPMHKmnIwCVr5CaTSjn2jJklFw8Ti6mLZS+8oKZo2rp/b8cEIDfwiwun5zd6enr0XBQYqXXx8A1eHhkaEr379QHLy
        YQALKX28JkX28fLqEznJqw+OTbRSmo4O2ty7Y8egMcsWjg2++ckH2bNNWgHXySCtGuBaIXJNP1BJ5qaTPSvwCKKR3erV8E/ua7oSmQh03we6W6Pu
        NKKBGv2fPq7OzG/rqxLJVRi5d5RubyMGKWvg13t5zZgyua+XF7kf6u6xB9uHvOTuMT6yn9eEsO07JoR59e3p4T7hpd69enmMH9/LQ+jew210UFgP
        tw1uUyx6e46Iy/L1jRvVq7eFha/3uJxB8MsJ9un3QYCLs3OXQexM5Twe6L0H9KpYfKSXl95bkjeRp55OS08DebQ/VoMIey0OHKJU9/cZWlQSHrH6
        9fCImUyyH0YkgPwnwNSs4coTrUyVo0cXe3TquGnZ4jHBaWmiWHFG0mRR+JP79BEj/vwB2czmX8hxL+GpZNd0sgtPlc0k56eS87jfVNyP7RHwn/AH
        BI1+3sznXRuuCZqpwFc+HwM5e5t+pcLyWZm9UXlT6Xs/nAwXydkIwG2xmY2tGrqI9gUuCg0JCY2P8vDwcJ8q5xY3gO1atHTRwqcLX14G9RKh3gqo
        x95YA5HR7lSDKpq5uiTGT/Vwd/eYGh/arXv3bnJu2ctQiVZdiLmXX9avi8DXec47YM9fF4EXBssi8DjCdD9wD/hQCwX6DiFtHN09gK48yw8BSI4E
        oUu0Q6xMhgSJhVqXGCRTgsCUzj1ite5LkAQoU80g/5QgkwDyE6v1QIIkQ60aVuahBJkIZe6zMnUSZDxA7jHID40U8ge4ywD5UQ/B/fgDeCNAfjKU
        OQtlWgHkkQRJ003HRXwCQH6WIIkAWcEgv0iQMbo6bhe3BCDnJchwgNQwyAUjyGUGuSRBsumb21wmQM49U+tiYxnufT4RIKeNIHcZpEqCzIMx/oBB
        zjaWEXIZng+N8TDIr3qIzpy7zyAfGZUp4tYC5AMJQlcv13lngFymEOolog/lAUI/9haTF7ZVgEbbKuJw/tx7wpn6AffmchMi6UPpvbl0xn8NIVk7
        WS17/0aDFa6gYgpXvmckXjH329Lv5spqyey539X3F97/bi7VSsA9TsSNrbGrNww8V2/5ODJn7r36AcIZQP5WJH2gyAG37gngZu9vy9TY2xZcF29b
        Pi+Soiz9dq4C/23ud8L79f2/m8v23bmesuvcVf0oZR+CcVdL4bkW3ZF9xN9h78nQvQkX12aLNDj6NjVBzp7enN7+wLxgoTeZ/F6H3kP8RmXmTYyK
        Cl01sm+AW9euxs99Sd+90xbmx2m8vftx36/PfPlv7BZP6RI612tg/Iy3SjLi7R19NEMbnzqNqcPyEWMS0ocOw4/qyFPxlu1ZYzPZdf4RrFb8fuv9
        Kcvf83aVUiE3ervKVEafwt5IbCFPyd7DCnuDSzsYPNRP4Dn5gKBQeivj4HY0/rxirB48voKW4HgAi1/4ucquCzeo3bF0FLWHJrGvvR2v8QJGC8qx
        BxlxhstteErIgnJSgw+f0ebxu7FfQk1JXSk5l1BdWqffsxdKkJx9Wcax7VDAJbveMJB/V/wQkH0M+Jh8Tx5U4PRSnNbAlaLmNcUvA1vRV+iZUvCn
        8SBaC7zfUlJUgS2050pprYarsra6brJrTd+/IdL7N7JrVVUwHLE2U3hA6sQ3F7CGVxPvo19vlv1CHsNjw2HAMEp2j73v5iq956VmbrMU2hmAxdiO
        tsGng0PrLl0XJIZ1GdDLx9apnarrAi4x1MlP5uPY1tSzpzx+tlkn+zatNd3kcXPMaLutod0CqV1YKmjPvb/5G9oupnGUhsvCA11v2WOjGJZ294nq
        gn37CmSPyS8VsLpk3y9gNR+K3FASeA70r1E0/kxofI39bMCnSEAVGOFgPBnn4PX4OP4Ef41/wFrOlPPjQrgl3EnuOm/Kj+Kn8Hv52/wjQSk4CJ7C
        MGGh8EhmJhsumyPbITsi+1DOyzvJu8r95RPl0+V58h3yavkvCo0iTrFLcUjxqeJ7E1OT7iaDTCJMZpjkmBSY7DIpNzlp8ksrl1YhrZa0OtTqE6Wl
        0ks5XBmrnK/MV76jvGmqNPU1nWGab/q+6Z3WrVrbtfZtHdk6p3VR6/daf9yGa+MJx8g2y9u83aa+bbe2/m03ty1r16ldZLv57V5tt9msnVlns+Fm
        iWarzarMrpmbmruYe5qPN59uvsH8mPlF88/Nv7NQW3hY+FkMtxhvMdVis8Vpi0sW1yzuWPxgobVsZWlt6WjZ03Kq5UzLOZZLLQstt1i+bnnBysbK
        ycrdytdqmFWI1Ryrd6zOW1Vb3bS6Z/XISmc9yTrROtN6oXWB9Ubr16zfsj5ufc6mtU17G7WNu42PTaDNWJvpNm/bnLA5Z/MPmxs239q2t1Xbamwn
        2CbarrQ9ZnuuvWV7j/Zp7Uva17R/2EHdYWSHeR2KO7ze4a0OJzpc6PBph9sdHnao79i6o13Hnh39O07smNVxVceSju92vN3xaadWnaw7uXYK6DS6
        09FO5zr90Jnv7NA5pHNx53I7uV2QXbxdht0rdrvsTtl9YXfP7ke7envBvo29jb2DfVf73va+9kPsg+wn2EfZJ9qn2+fYL7EvsF9nv81+n/1b9pX2
        p+0v2lfb19r/5KB0cHTo5zDUYZdDvcpR5a+aqEpWzVOVqI6oLjDN4qIql7S94jm1Xf+fkYMJU6wvem0N119//bQhqO3EVrVM8zhR8YRL4PUXwIzp
        hb34cnRWfghtl9miUkUxmiUfgBZzGpi5HdABSHtAWQdA/jUov527jeLgep0DJYfyeZC+hLQB0lZIcZAonkJIJZAKIC2GsnWQtlMc+iQEoLVAaZ4s
        B5nJFqALsg0oU94Nrm3RBaEYXZBr4FlAF7jJNOk2yAIAng3wu1CmAa5BKFOoFq+yQoBZoTzhtu6p7DqqoDgV91CgLBcNAFgDXCdTXijNcD3H2ke6
        +8BXqXAX5ULdY0ICmgXXWcJ9NIu7gjzovcwCHeN80GnOR3dd2C3eK6rQMQoX7rDyx2g5fhQ8u6E0Xo28Ia9cOAHyKkBhcPWj9+DNRshsMeIqsECv
        kiyZ7EE+ZVRGkKIghdAyQNdkSFdNEO7EnwU+74iyo7KnMMirgXSGwngvFAUpVkA4E+qXU/nT/hGo9fECn/ksiob6pxWnUb6UYkH2hUzuLSTgz4T2
        Be0H4wT94AdpN/QFgasc+kep74dn0iHcAa4JrC+MEu0L4SrgU4K8QO4tJcV1uCaI/WCcoA/OgfyL4HoT0iMmf6kfmifWv3fQCNoXxon2BetruNK+
        5PujbJDjaUgPIB3GobDKbkDZ/EpITmgMH4aGs5QE5Sh8LNyngLc/GanZOLjN9D0O6kK/sASGnfaf7j70QTmkCv1VcIb2jRNCPixVYg1N3H50XxaO
        7gMOWrdWeQLNwmEkH/owDKeieXANgJQAaRKkZEgTIY0XfFC+PuFfURqkRL4X0Ar1WP9L+vGH6ut5p/xSWdB7kBWVA5URkwVtg8qiQZQHyDwO+v01
        uGZL12vyUlRrPOZpQqjhqjaz4bC2dcNlarsUKQTm77bk10+fvtR2YrN5EmEHEGdbXERjXDKNjG6u2ItX/irYLwswfaZynjcROE5YRNfqCMXo645L
        GBqHBiKVU7zciljhYkUKvh2NsO6WTipALSGtQb8ewuwqIPr3ljoj+lZwa/Qy0qlcVb1Us1SrVFsd1zpZONk7jXCKdorX6dhfXdqpMoPcdFWWqsix
        yJALfr7uS927X7z7ReUX876Y+8WcW8tuyW/W3/zHzeM3K5vz98yvDaJ/hQEL1Gfvxeij9xjZwJN4zyETPEy6543ggtG9DLXHwdK9HFnhBOneBDnh
        edK9KfLFW6X7Ns6++FPpvi1KcjWT7s2McJqzdoegNJQOK9IMNB0lgmeTBXLoiqahbnD1RL3g0MBdLJRQocFQJgtWpllQOh76JQX1AOhIlArl3eFu
        EKw7k+EaYsCVyZ7i4RoPdWbDOQ5KKn9Hq30NrYZCS7OhrRlQJxVKUzpioM4fazEQ7mZAvTBYRamgpSS4p9jiWY0YxpEKsKTCOR3KxALe6VBOBfXT
        oPUYltccz3iGJRMoSoNjJkBpq5lQNo1h8oS2Nci7SS19naaYElgNkf4sSbqUnyygxhdWXh5Ah1h+NpR3h3JpcM0ACuNZ3QzGizvgiIc6w4yw6XnT
        y/fZXqR5VF7xTObxwHkamgNlqYT/M3KjmIZDTg6USWI1p0NeOqM7i/URlUAGq0F7lWKd3Uwqzflo1IvsJnrxPG6UcLTEu9hnMXBnLLVnNVSJev4b
        h/J3af1/fqypfoPn6ZCjZHdZDEK1LIXJeibA0qAHfosWytk4hi+FYWvU/umMpiSWFy/xlchaSZV6vYfU72Jvia2JOibqcw9GVxrr/VRWP10aYWIL
        aYA1S9Kx6ZIWxDAcoqSVEs4sRkVzfZrGylE9FLHrMdDSIu2iLsez8SrqnpORljixnqN149g1k9E1DerESPwp2SiYBhqawrBksRy9fBLgLlkaSV0N
        NDa2QO0LpT8L9FfUftpio0woJJ2NmjhoYRqrracmjnGQxXQtFnKzWK7YhvIFLfSQRvM0oCybYRFlMofpQBKzOlmSZFIYzJgjPQ8ZTbRSpDabybCH
        Ue/Q+xTWn2JfK40sSCbU7vEcPnoY+PRgFkTFMIvjQcQ9XZJq095/Mdd6yYnUphs0OovR1ah1jRzNYfJI+V0t6EdDArPaqRKH8UYtxrEzbaMHu1JJ
        zIAS0xg+sYy+/6geJ0uWTd9D01jbcYzi6RKlvmx0hkrUxQDGNGYZGvvA2BY1SuBZS5AK5bOk0ZDZpKx+rKS3aAOM66kYzzGMciWzzU11TZSGOJfE
        vKA/09gsp5L6PoVd4/9Ab9MyOYzeBGYFKG73JpJ6UV0qkxxpbhFbpzJPYDTGSZqUzPQ0wwARKaUyjTPqc2Ot08+gMWxGnM5sRjJ7Uho4imOU0v5K
        NZJGYpN5VWxJb0NjmPaIuqtvo7l8Mn+TJz2VSomDRg2LYX30+ylo2k5zebREWw+pv5NZvenPseZKQ+9kMDsbw+xKI149JNOgkfrx0nz2iJfsXDzj
        Qt/SHMZVHKvv1MJ86GTgu3kNJeTpZ1snIy0Tx0xQs/kllo33NCNas6VxoNeT2ZA7vQWJxaO5TM6p0khOh0OcvWKYRY031DDud5FmPUTZ4khJYhZe
        xa6ZEo3xTJOepyd6W9eS7Y5jM0Eq63djebUkVaWR5Iz78F8dq5nMaurn6sbRph9JMWxe0/seGVKNphjTmUbPhHOi1GPifEi1Smmwqn+mpXo+V7HS
        GMmS5sMEg6RGoKGsnbEoGJ5oO2PhKRSFgx8ZwvJGAkwFflwI5ITBUyBAA1m/DGI5NN+JjcZwuKcYx6IJDJeIIwTOFPdEgFDcKvZMn0ZD+WDAResO
        RRGsjaGAbTxQNhbuKe4xAA2C61CpHK0xBCAT4JneD2deqNheMNQKZWOH1qO0iJSGAryx1aZUjWQt6ikbA08hgH+ElDsIcI9k+Cj9PZh/RO+DJTpF
        yYUw7FRGFDPFOQQoCmJPFDoBruOg3Hgmz0GMZ5HaYMbDMMgXeRnKKBB7QqRoCFzHQdu0xHCgK5RJgbYUKpXswfqR8hPI6tNWR7NSImVjpV4OYasA
        PRZ3SZYiHVT+YYaWxzP+g+BQMf5DARLK+mYQ4Nfj1evOcIaB0q1k0pjA+BvE5DCWtTCYlaNSpPIMMmhciFGvDGHyov3Wg60tBzFOhht6pzknemzG
        vdOSdigNLQxn/A1lkgpipceDHIdC+ZEGiKiPIxmvQyRZizhFvRd1IshIukMYj7RnX4JWh0o6NYjJrikXtJ/CGf2NXIg9MEg6DzGSWWPvB0u9q6cn
        lLUc2oJUwtlYHMpKDWJ9Pd4wRoax8TtGonyCQcMabcAEST/HGihrKl/9ONKX+z22Q8Slb7tpDwYyfQqSKBxvkIZYQvkCvKLtGgrz2jS2zsky2O2m
        M7ex19jojRr7nT2MbK2xJyBa4eGsbEqzco1QcbUkzlmNax1j362lFbZ+ddyjidfb6H2ItltcExl7vXHMPxd9wEyDV5LG/MA0g2cyh+XGG61WxNhJ
        WpN1Hm05hs39PQxt6eeiNCMvJ45RnSy1ltmCNJ8/QymfWRmms/lebGUOu8+SPBPKX7ZUlsLnNVsNZzRbTTX2garFPtDz0pLnYCz/DNbf6dJaajqT
        MPUn3SW8GYZ1WaNMqATEuFpKs15v1D6KzfeZqEIW84gbKY9jslZKMTrappLZK32M678fdfpPx1r/l+JByibxINVfFg9SthgPUv3F8SDl74oHNfXk
        pxnRlPnMOuP3RVBbirAo/2txJdUzcSXl/48rGcWVlE3Gw/99cSVlkxn2vxdXUv6PxpWULcaVVH9xXEn5gnjBXxNXUv7huJLqT4krKZ8TV3re7Pv8
        6JK4Phc9if+16JKyWXRJ9V+MLilfIF2VkQT/t6NMSqZjqv+BKJPyfzjKpGwWZVL9V6JMyt+MMqn+siiT8g9EmVR/WpRJyWQQBlhHMWpFaQ+C/L8u
        dqRssc//W7Ej5TOxI9V/LXakfG7sSPUXxo6UfyB2pPqvxY70lvX5M8qzER/lvxDxUf1JER/lvxXxUf2HIj5Ko4jPi+IO/4kITdYz+AcaRRqUrB36
        5P5vvHPlweQyE5IHoy2OeU3uzH9NB1hTb0x8UxF+us/oX+xo8Uf/phmn00lvM7Y2QOnzKUgfI/rX/b7DdiyfJspJf8QFDgsKRW2TY7JSUXvxywT2
        hqP+jpWeGZ+RKv4tY5YE9vYkpi1axNGSFr9YBbK316Sfrlp3RLodDZz70O9+dYGQVuj264p1bVrkwMVQ+wI71z4vn+GvhXwffSl6ZhCki4G0QFck
        3olQOI4YajaWB1rgnC3miRjERB7rePr1pFF7tc3LwPk0rUlb+j0/KF3blCddERz7f2ft2t9broWSLr+NR+Ko6F9tBfrjAu1fkN0RXYx496IaYgmx
        Pd1Mdj4iXYuMS4h3rDePgLSqAf+KF1LW2M/F/wYv1c/RwP/gD/gR9efIf66lFnihrVDpdTPob1Gj/rFzDOVVT4mkB0ay098brjN1CyTtraUwGM3F
        0MZpIy48nu0R8g2UcqB9Supa0kX9veEa2DSPckZitN8wgA/YkNoXabI4/v+1ccUsC7VU1fQPVYi8Prc26KNuTyOX7BlsjWSJap/hbo8oZ3h2QS6E
        1vFBf+KP8QIcgLyoHux/dlTQMSdaIVauWqTSKH9Psyu1WbWs16spDDjaQzXCSI4u6E/9gTVoA5pErfyKF/Ul2U+APiL2DtNOsodUE+CUXKC5kE5L
        lmWFzpx8Ac+PyF3W749//3j7N3lZATPNxKY61hJOaSaL0euY/p7OXvoZUxdsGM8x7JwtjjvW+9bA42+OCGlcrzBqZYWxdjPdLpIsxAJaDvKPiPOl
        sWaJdtwIY0sc7XkhJYZ5waB3McAFHV1tSAypYxw2s2NNf4RZCtHWSBZIsjs6a0M9B1H7yTc0D7BaU+4YL7V/qgbXPt96/Wv4XixLGJ9H/l3skg0+
        8kxbg4wl+ruxHXl2xhbHaJMZvFaylqfRX/IDORUxfXP5D83Gp5/TyhFmaxeA9an93Va8urEn6LNR7oUmMqvWj10URu0c2IWY3zsX/iu+JYyXukYf
        7c9qRe+//BEtM5b+izSI5jUpW0tqGy3Yn8ELqX7WFjSWZDOSOMfO/D3YpXobn69LoG9H9PgNV+rhBLPZ3OEPtNKyLf9L1mL/L7XyJ9ux/eCTFf0n
        5o7ft6789+aX3zGSA/9sr/KPrMT/jVagV4wt9Z8bIZFszWO6yqTrM3G92WTmXdFkjXLEyF8oarQcBv9pgaTPR1qwSy5sdX6Elfeg0hQ9MLJCx+uO
        GK/YDXbkSCMt4Hf1N3hxLpLvZ0wpRsNRW+SE1KgLckauqCvqhtxQD9QT9UK9kSfSoD7IC/VF3qgfyNEX+aFhUCOI7V+MR+EoAk1EkWgmykWL0GK0
        BC1Fy9BylIeK0Bq0Fq1D69EGtBkVoy1oK9qGtqMdqAS9gUrRm+gAehtVoIPoEPo7OozeQafQx6gW3UQctOUEBwaa1PDUBQ4eaHNGAtDnimRAY1ck
        Bzq7IQXQ6oZMgN4eqJX0nhV9j8oUaO+NWgP9nqgN8KABHvvA0Q548UJmwE9fZA7teCML4KsfsgTefJAV8OeLrIFHP2QDfA5DtsDrcNSe7Zp0AJ7H
        oo7A9zjUie0TdQb+w5EdyCAC2YMcJiIHkEUkUoE8ZiJHkAn9PxIXwaFmsukC0lkKfCyDowtIaTnoVB4criCtIuBuDcjKFKS1FWjbBoc1yGs78LoD
        jm4gtzeBngNwdAfJvQ2UVIDcOoHk3oEWT8GhAgl+DPKohaMHSPImyAMD51fgzD1n4PBNngSQrpz+1RiQaSsWk1TCWfyzF6ZwbQ2pDWBsBzI0B9mx
        /0nP6GfN/u6KLUisA9DXkf6FV/bVd0eQkj3c2YKEVCAZvb79tuVx/Y38rka06w8E0ureYmlTw0F/7aTDkvHoBtS7SQflogdwQfVK/+sJPLgDF+7s
        EGMxTiw27fJv2VBxnIkx4zUwYqxYzHheTEZMLFoWk5GSipbFZsRMR8umxaRmwjkpPgPOORnJaFlifBrcJ2bEz0TLkmJSoUxSfCxAZsakxqBlyTFp
        KnrOAgwpMVlJaFnqTApJS4xJQcsyslOhZFZCaiKckyh+o/i04fd/ANoMsdPsiQAA
        """;

    /// <summary>DejaVu Sans Bold (subset), gzipped TrueType, base64 (line breaks are ignored when decoding).</summary>
    public const string BoldGzipBase64 = """
        H4sIAAAAAAACA+29CVyU1fo4fs67zOCowLAqCDPDACMubMMiIiqILAq4IW5o7IvIIktGiriVmZmaZWpmRqZkZkZe7ZqaWlpmZl0veQ2XzGtWLnmt
        68qc+T3nvO8Mg0K37r3fe+//8/nP63mX52zPdp7znOe8LyKMELJH8xCPshLjhyfgv3I7EKoBIPJJHD1qXMwjA76EZ1+EuvskjhsfZ9g05EOEFiRB
        /upR44JCS5+s+gqhkZvgOSO3NLtiu/LzPfDcCs/PF2ZXVSAlHKj6F3juVjijtmB40H47uL+K0LCyovzsPP/mbx9DKOEjgEUUAcD+bbsVUH8ePPsW
        lVY/9sSY+iuQD+0Ji2aU52avCnk9FaH4OQhxSaXZj1XgXP4YPGdCeW1Zdmn+/LuvqxBKgTZ6x1eUV1WbW9Bk6P/PNB9xWAP1FovNSERdEMI6Na/j
        1Tq1DmtwkZEQIy4ia8Rm04dkGm4wfUbWIw59yG/li6AGT+nAaj07+KJrx65BwWauL03QKFqKkCJA3I88EfSBeZ2zkde56ljSO7MUrmMJA5BfnoXt
        ss9mY1eyazjuRXZknc0id7LOZ5EfcFICuYTHZuHR5E4CthP3k3o8n9Q3k+unyHxcT9Mp7NSM55u2kuuA1UZyUlQoXJAe9UEh0LOeD8QGtTd2VxsC
        cXhYxBBsdIUnVwp198auLgolr7aHq5uzejAU8Oc9G3Ddj+VVV2p1Px39+0XckPdJPvzTkuO/3G5IHJ92Y8KE0eQk7i8GBmBF9BABRyr67Hzj3aNd
        Ll+08/EkfYJEckHR+/3d7x225+OwKAwPjx5G3iE/4ri4+GEIOB1nvqj8ULyBuiJ34I4BGQFLHwUgYAyNgP4NoW6AlN7HH5DFemzU2Ty725RTGBPT
        UpOSUlIT93z11Z49p06Z/M7yr5+7v2xPc/MempLS0pKSUtO4otmVVbNnV1XObvzLvn0tLfv2nm49qeh+et++r7/et+9045zKqrq6qso5ILPZ5ouK
        TYCZPwpGqAsejCN1Ck6JdQZ7rNci6D+SsdAY6uauDsR6hgzPeAcoRfIavDY8UsSRDuW52I9MzCn+fgG5S95f3tCnNzk55XDJtMbRqeNDXoyN2zpr
        WHUof54MTthetov8tYTsL02Ix64tz12YHj594GsfeXmRH4MDoyN8JpCTQbMSqxoCAhCmmod3MM1jeod3yBoHj2gHuckLCifUnWqxPxce5kRRd3Vx
        4gVyau1zq9bggHnz6snN2xg4gA/+/RqJPnuWDISam8hN7o5U0znCKTyMM+jcnFxdOOWmefDDAWtWPbeW3LyOj5w9iw9f+zsZ0tJCht2mfQZwUYIC
        uKWGh+5Y6Qc4iYb+OFJUG9V+goLswiNSyLtbSVMKTmOnrThVOPjW9mXvkUY88b1l299atgtPJI27oK3ToBgtogA6AbTBGIG2YGyo+S85lenWddMt
        TiUKpl+umn7hul3lutHeS8lZLgovBH1CzlBQ7/wlLrrdnIcXkhNkKa6BEuV4L3eRO0/5BSV05Vy16RnuPDlLa4MNY7XlvC/pQIeqdTQPmeO4qzKf
        jVjP2Z8z/e2s2Hy3FDQkx3xRDJJ1F2FHf9ABtSOVPnZEOi1SszO/vXjOnOnT58yeDiP1APmanCYH8FBswP54KHcV97h0iXxPLn3/Pe5BlpFSvApX
        4Wq8ipRC35eBDwL0rWJ4iWo/HTVHN3A6eQ1PwWU4/f5VrOIPJ2FF0v1wcgtqNIAlPA8Y9WD2S6fGbBADXkoYzkatQAc4l8atvP8hp0tOWFYz+avH
        F5DHcTccMPdT7AmmxRNfiJsbXzwvNQUn9e1/9eTjJ9+hXFhivihch3Z7wwM1E4LOx5/aEWnw9cXh0k27jvg9L75MtpE9VZdnzmguXPvaltfWNax8
        9um5U/dPq/xmBgxm3dO8n+HgC+cu+/nhgIjI6bkFxXemTM2Y1icAe2i1HxxYuAV4DLZbNAIPOKqTXah5BIXSUz6ouZtkMt48FG9rbibPm6YLa0zL
        +e2tY8kP5AZ2xCMo3htAQhzU9pIk60pxQ64uqB36FOvT/D7To/0mBWM1DiZ/IF/X3539eEv2M6+++sy4vTPEZnLpcrfu5KdfbpLrIaE4KCFhSc2j
        T/XtD1jVQw968TrogG97y4Ulo6CELkNZl5JChLpxl/LhV5Cfjx99pHH0tgOOceumXMI9yRFyh5wlB3ENHl54iLuwUP5xx8nV/n0/2BsSQn45fYOc
        x0twMa7EW7RMLiDv60CfgtLninVYt0TIN+0hSziDKURsPn1fEGDC5VEdYOnENFWPgtrj6UetmK9O0g1JtlpfsGvOlgJABHd0RnX1jJLKSjLnqaex
        BzDJAXssfWrNS6DM5wDpUy/dzM2cnJMzOTOXW/9oWVlNTVl5TX3A1vp9Rw7vr98a0GffinMXL55bsQ+Pn5SVNWnSI1nAuemAkz1wrgflXKQkjUiw
        rT5gWy3c8vHHFhwA4eOZjWO3HVDHr5t8iVzGUViJffFQ8jTZU3wA1+cXAEsLCnTYpS9wKzQUd/36b9iHPErWkGfJJA13feHCBYsWLVi4kM7Hl+CU
        JmRJ87YzG1Zq3SVcTF6kScgidWQzHf8cmg+WhZZkPoFkW+Syd8C+0AqyjRHsoQK1XTFii/AxlUgXzhWHY7GldRD/0T0icvxxspPsuodPXMUnoOXT
        2CC28C0WHFzZcVrkaNF7hG+5cuZa+/acwzFtkBXhD/PH75GQqyTkHtV0Di0DTdCAhL2Qjo59Nre3G/yhVMAOGCYoEfDnDpMX46YPjQrPyhizt6D2
        k6m/YJQ2bWh8H4kD+E7I2PqcgWGZgQmjhsXhgX16f/xBzkuTogaP7H8QHB/obzFZrywXN4JGgceFbXQFUxH6yxNjuFFyIwz+vhQPNgm5uwlU0u4K
        Qe/ja5CmpwhfwI86ICBzPT+kePKk6SWTJxbjdd5PTNp26i9vTnrC+8s5zw6MfoRc3Fz958nPv16Sn4f5VXNbJ5XUkdNr/kjemzfvyafmzsWjdn6D
        y2aPTCV7yCkD5zn72eWP1y5bRiYnjrr7ySf3RicuNI10Pvpy3tvJjy+Kic4hR//wArmfl1M4bXRDduHCujqcvA8mqro5T735as6lueRv5M+UVrC/
        CgOMMiW9oyYIs4MXEkybHyF1XAA+xgWQOlMjXvsZdiQ3xOZ7fTk/biwdeXvBfi2BunYwM9IhKxtMtbPlRrKnATDRSVbTacq0aVOav62uqa75lkua
        8xQ5Q74yzeficCR2L+BXjU5LHUM+MlXl5GZnk1qup++hZX/5s9i890TpWtCWAhhTmaAFPRHyY26KZHIkB4Uyn3JezJz+XR1ZSlLwTlxT9930ki+q
        Pr969fOqL0rGRg7Ar+J8XIBfHRBJjiXHkzvfXyZ34pMpF4ASRRSjhM52alngGNB2l3wEBVDBxTx99e6da6a/49U4HafOKi4oKH6M7IBjutDUOvPH
        8+e+x/rs6nxyZ8sb5HZ+dTa1YtCycAFa7to2FumxV3AwVXKFprXcpvstYIPPkh8hbZXmbFrnGNTpYlvHWoPUW8qbFiOZL/fY6EB+oHcyX4T2fKHT
        inhvBfn0dcacvXjBC1hdW3d7znd3b5wdVBhwhZtYnpDAGFSMN1AGJSYQ80/XCHFwxD6Yk7ASb3VACZ7PDaCOuukTipnpYy4KNKRWwg3qcDGSh+Es
        laVl7lFPzryMFLA8qT06OBjfaZkvyfG0QY/NhpJ7Yca7ivVPLpBbU8y0+gxYB1MmlhDoiz8whfA9ibdpO0PiPKczxbRe51JMO21kIFowp1UY3++n
        WTmupPLvRkt0kdwLPWv7RxB1Bv6BPE8afyGNZJXY3HqB19zrK8S3tvB+9/ciG84weWG2rKJVt3MaXErGmi6wWkhAUAvR9SFHZaYosHpXspSoT8pb
        XCs48wU7Dh3a8c6hQ+/gIryGgONG1pJCvFY4TVqvXiGtWLhyFQvYneSRF8hqkofX4+m4BK+X9JmNTBVypjjR0ScAf3VW1d7L1WMvHALm/SKh66zm
        iscfrwDG/XjFZLon7CePlOblzWCYkmaGqQOsYJCot6LnQpcLDHM3GfPl3mQ5KcBrcSEg8cKpT3F/spJc3HFo/04gwROvwTMockDGylbyfCbZoRCA
        jBtmiQp5DCI2Bnu12ZKenE5tnb/dYTkJSs2dry0urm0g9VwKuJrOy1eMqhv6JSnYFTlzGj9kcmHBRDKf3DLBADry1fP7+zvVzycTcVXFWCqpVTBW
        +gM1BjrKLQsbjcXt8zWomf2GnoOw5DqECsKx2T8WPb1oUs2mu38iLeTks+Tb5ctx1zlzn5zy1AvfnMBabD8bC+Jm8lHkgJTRg4b10IV+tvf23yLC
        8fCU1PS0hBRvXfCfms7f8KP9g+aK05m1tY4hlZhF1KSeONJRfT9NaGIaBXh+COXUrJw0A6l1MutBe2uXPF0L4+QQTAXvk0OgXfP/+Morf+TrW+eT
        D8mnOALHyL0x266QtRrrVHghfgYvxQtNp0g4qH+TkAaDESMobrfKRv9ZYTjF4JmYwwj8dgTXMrKRxMPE8QuJh7ofCjE0gVKX318JbQBPFZw0nqUW
        pH98K6cg5eQ1cDpK4c4eP4cTcQJ+nrtnUmBCOO4e10I0+AJYhKvAnfNMAxAvD261C34dRmA63mz6mI3sq5xL60bTUo6ue6j/PNMy7lzpqA3Huirh
        cut5fsC9K7yuFQblD62R5OwP/FHL2tFL4WLxSejyawdXCu5WT9MqhcuFexsvPLAqEmFZxNmbbp7lHPYrVt2l65albBXJ2sB04QaJu2NaBT7uZWjq
        5gUxCyhBJ/hG8ZLE+S5YD/8w38w5/o0UkMKbHEjadBJGx0muP+uPeAmItLBVmKsunJoI0rJ/P+RME65zqxQFNIc2gWuxx0dkuaKAPIUfo2NzIqxc
        DguzQc5+Nn5vDPYDrGRPxVdnbLd24RoqZk4Zk/80dYSSds7ffhq8XZ+TTz5bdWR81ffVOAjWt3dSRsSnriwNWGyav7lg6rGGw+/1Gj8qMBCre3n9
        RHvdBro5DTjQlY5TPxsXlmfLAVBS6NlA2cujqtraqqrZs2eP2FlzAqvIrRM1O0eQdbjgcuPGjY1vvPLKG1xzzlSym5jg2D01pwGaBbopXeFAV0/b
        UcpmMZt5XwhPXjVq9ZYtq9NfHJr+1gSYM7aCoQ6a+KYQQ86EBr/98stvh4aQFo0GnAtXOCI1dMVF/XLoxJHZGDr8GKNok+DS8bbEbKYr5RFNNSfI
        Law6Uf1uA6WlsraW38tNvHu1ITcTJ2MejuSprUcpNTRJMhFVgLsLtZcgT8n1b0Nci0RJHqKq9f3u65+Zea2uHkb/F+RtPBImWjscQ1bMyipa4MgZ
        C+bOHRZPrgaHgGPsjp3wQHJoVUFdTZk01vhlQIcz7QNa88KSNYEplHqn/LIjKYNwKPmcrGtq+uwrhcuVyPg0M2rdyGeBK7z7bcoJkiDaC7XAh96S
        P8WWJsyv1UmrE8sikrdZUPGbgSPHyS+42/GaphHAoTfJ3uKPcqftnLJj09XyOY9VVcyZsz8nEw+7dx/HZuZublWTm+SiVofdI8LXbeIVm1ave2XT
        C6s3USlvg/HlBDQwj0sXrgZPWpI1o4TqkpvoRNZ0d3RNCqyYR7VmzK6yQ0e5raaMcrx2VZmH3vDWWtNphYupMWfqdaaZcKIttlv5bMMFtC5ZJ2Td
        36hwIWegkHkvSWAlu8K8xiysQl7nyzX+cvydwQUpcq2dF65dyVysQFBVwroWarb3QaAKzL4bTbCeImlkJFmncGl9B78Eat2AT5L+Uj0ZN4YZw0rh
        cvcq5cRW8D52gs7QUczodmUMsAxcnVpSSrW8ygfd3xP/fsXBT8kajBPSCso5smbo2MIKeCyKe7OwuonfXFR6/aIpg0vq3stjVknjK6avuaQ9JW+8
        bDotZG16JKvCwn3os0Puu/4D7r+00sJ9aI8yX9J7A7QnezQ2KmPj0XAHZ9XVzaqZM6cGuDYcpq7zsMT+I07kZ7/56qtv0oQR+YRcheMTPAC7wDGA
        ypVkiNOgbTZq/awIyqbG2aYzzoliamNtNtGAKIzcBtNOhWqTja3hI6n5YYOWjYYMNhqYTbPF3tnGPNCRoeP2gA2ohBZrrbZBGglr+FkWM2Dqa7UO
        iTAI7t6S+M1fBRpoDPFBRrvzV4OmBj39AsV9+Lt1Tn1680Furu+8bmoVst4ry+dFqD8dbGIO1H/AcxHcHgxYSZ4LXaEK7lVfPVKQOzJ7CHbeT+6Q
        e+XX6kouVBdPTy4d8tOBX1pzvwZTeSM42BjeN7BrF/3GN9/dqddjx7CwgVHBQd3tvBteb9rmTfUTLBm/SdzArA0bVC5u0XAD8ws1OGrOiGeS5YMz
        3yPH//xOU5O4gRwyI+KXFmlG7/wZt4DrMJi2shE0RCFkUavuDJS7UNfRXcLaaoj9N+Iizl7tlgg6R0fImD+UHjqGd3LbKqaQa4GLZ3nq/bet5QLu
        b2ygWofpjoPYE9ps83A0MBLdsRsuJIlklpDVeo9X3N8IJZNgjHlBSebheGL6D+u6Yl0Szty7D/eFlElOk9p9e0kt1GrlBZPAtd7fyHOtRO5HBbUl
        38aTDXuojD8mM/DsS9/j2XBtJE+03iVPcDGcnuzEKabzpoM4h2yA2j3B1jpBbQcLlvZYMjdDcE9Atz9wqIAEJO576UTFlHHu0I/JjrtzP+L9F64M
        HKmR/BwhAeq383Nq+C9NTVxaqxuXZjomZN0zrTOje1wBcBrGUJPQBLbGF7CG2cE/BlvimHAXES3PGMyl9qLhDaHp9NefzHg2JubZGZ98fXr4svGT
        y8onjV9WemHHwQOra85Xrz5+8O0LE57d/PKzPT2fXb95+QToQyBe+LLCyxqjv3xR4XWHem4P9C93GhmIrVi40U7bsOgLFRKeGT+5vHzy+GcSbDEp
        nbB88/pnPXs++/LmZydcePvg8dXV52tWHzi4g8aOcJPYwo+lq17sSlXH4E8PajDD6aByd6MH9C62TH83q2S5vZ3S4aVpE7fllDTBk4OSPmW8wY/9
        ZfTwgQqeV8SkjrPejqT7ZWQpt9gSG8NqZ52zmuo+1oBHaKSWFvJjcAOZZvpQmInz2I7ZdvKxsERcA9qohzpsu8SdDta+GKw59QH6Ulb5InUYWDGj
        szfm9qelpqbhYyOWxzpMejFq3HMDVQ3kHhgVe8w14MRV/OR+q2aUPt+HjyJngkNNxTg0iLR4a8lfsbY3DHPuFwwDVkMu8F7AkTrQksuwtvG0Wgjw
        ClylWdCo1ocbwx0jqN/UkvB86qMzcQ0Q4HF/9cVDhwh2zvyDuId8a/CvW7j1J1hTgFXDCT9txQ53PKl1HIFihBPCYTm+qjRIm0ORhkh3yXxFuiul
        /TV3pYGN4kgbRwo3nVh7olcvb+8v154InhETMSPqxJoTXr28vE+sOxE4fcjAGZunzKvPnDJvLu4GkJCSIUNmBB5fd8Lby7MXPEeWRQwpDjqx9nN4
        3lWfmVlfnzl1LrUmPek8DB62ZTcA/PBwA5zktYurTumqE9NIFFlIBuIjIaQE+5J38HLI0+IVZAf2I9ND8Md4I8nCGw/FZRzgPIkRHzddOpARB9IX
        SAO+DJK07n06Szp+8aK4xqTibrUieqa8sTfH8HeA60Y0hGqibJnd3eQdR3am/nC4bJ8N/tLupHWDTdYTaUeyJndD1MiUvR7d//TKzJrUkTebx/+h
        oGpXVGzaTl/nYxvLZ46MvXQ0fSdZFz9s9q7YhKfFXRcNhpCgYaO6ipPeqqt5JThgZvLKLV5e1wL6hvZOGGFvN+HdBUXrjMbykSsavExP9EoJHZYT
        5z4qbNh0wPywGM1HK0Jkb8noqveDdPjKFbz0yhVFyK1btxCPQfyKS+Jx4HYISrahj3njrjbRUAOMO4kQyeGVIqOB2BDaFkGzDYmKfaPKo2bWz60c
        WhUYu3DwSUJODp93vfaLCfSX8WXt7M/Z3cQTtWuwsrR0xozSUnJ3zRpyV7rHSqHglJ9+XmXVXF99s5v7j4c+/MF1N1Q48XjtiQkZGePhrvbxExMm
        Zqwrg5r31q0h90tLy+Aei2vWYQXcA90bcA3/A8iOR/YoQFoTtltF6S2rKLCZsjPGbIvbDr5/60l88omiuIGTKnG3v0c+M23lpj99u2TS+AmbR2W+
        MfKbv3Axn3AfhQ02Dqyc4JZOhtanJD1ZvWyRy4BovX5nr15vU83ZgJYI0wUDWAu6l+nanQXApQu3lLSAhjrzn5EzoLfOguHm2bM38cw9uEq+YRZQ
        AxZwmRzV0qtpfP3K/R/4Zabn8Pxf3RUUrHJ1R1oUhlKYz9Oh/Hi9q+1mNeizBusNgZIlw50IV0AdCLJJr08bldp3x/birIBEr/JLJf4Dvbo145BO
        5CsaO5ImOX0iPCws9OlZtRkVarfRA882p8WS9Xw8juxUzMCJw+JE0HTZ93bVHeYeNT2tcNkLMmji8/gUkcC87vXQ3rw8gi0qwKGkvNzkpLz8xLjH
        g4NCQvoHz4lf9sFBMTMvKSknNzEpr8EYFPxY/LDa/sHGD5YtO0h3Qax7vQ7td3upfbLZ8TXdYjsjAtlwlWzAOVdxzv0fqXdTyq3n7S07nq4w6Q9u
        r4YUPVh2VJoewVExYcnRg59Nn/DayA07E/P5+Ma1WBU+unfo4P5Bezw955cn1WZAi5O5ZbyTzV5nO9PUfq/T2gU3OrPgyNExz8fHzRv0SFFJ5Yj0
        nMlpo8NmJ8S+OGHLO5OFLKeyMfPnu7tt9/UbGj00ZkmQsX9/D8/NaqeK4uFZ4A2UCtf5BimKAdZXzy3GnmT5RzSKQWWznaSLDTDPaplX2BbqsjUx
        0qRiUG/HxXkFhXm4SGdw0jmHT+0/aaY+aPGkEUXeJF3RzVRTPXNmNbfU5Jw4QNXtnrvbyHGjRgUFEyfoZb45WsiD2YK9NSC/ysICfFwmZ7d/3/7P
        zmFBbL5boFDevcun9Wxp2v893TvnFFwUv6Td3jm/hO2dYwUp546BtwM+sc7CySBs4aSBmzwwcnZ9cEEYDh2nGxjbt//g6UGPTOnefY2jQ2Bvj7GD
        oPXZTLrn2UrSqFaGRxrVRlfdshMXLn37mamej+K6hG0MMU1+me601NA9OBYvZnFYbPOmCG9rtegSKK759q2vvrp9+wgf2XoUr0+fMiV93JQp4o1z
        +/efObN//7nW1E/4L+dWV8+ZU109F7T0INihZRY71IWan/4cO2NuI75GnMEQtRAdvkJcwRSdEQxk2R6ynJohy43ZjPLMF5WN4g1HA7oqPG7Kg+sP
        /GqEHBWo9gck519i+RLcgCqFU1DOkl/Uaf0qe7YDSMoEDWiJvANo2e1riwr5+Fp2BemLBPgyLo4tHTogLCtjzL78WccyfzFLO4DSLihXEDJmbt5A
        Y2ZQwuj4OHKkT++P9+e+NHFgTEr/D3EexYdFTpUlTv7IB7BQYh0swWo6gGs6gfuIPWzgVVa4FuCzOyjvLTrhGpCzBC9FTsibUsreCeB11hUd0O1n
        sx0JeYIdpyF106S9Oo2725ZHqxvdyKzUiIjUtPCI1BF47Wfie/eS2M7dez4j+9Y0NtYEpcyOSKUlUu+/wo0F7sLPrieLeDqzPtXYZn9HTVGYbUa4
        ltSJK01VXIFpHd08IU6ryDKh2bSBywGH37p/haeRBsrBAlJOd+uAQl9KIXoMVyEKZ3sxjHJ/ibPCTsapB+GaTuA+ncC9Zbgb3XFi8D5S+3yepTzX
        ZAPXyHAY29zfbeA+/BwGjwX4bhu4N4UDr0AqihQWKdewnUK1vpPdQprBjb5yZQnbM7yFX8DjccpjRYWFRbVsz7Bk+3ahiXxAWsmuh3cOuVIsyNwS
        bylLAYsgWX/CGXZs/4hhFyzrZ1qHcE0ncJ928FIrXCsWdljeWyygbxphhALEnUILWwdzyi7Y0AVHdsHiTpKGmxpJGklrxE3shJsEIzyPbsQ72Ill
        4yZqy/qbdylWKzSwrnJGfdk8xDaQWOCCbVjCogkUXtrclZYWUjxSaeAywxaOe+eQg2OqccHYHYfs7cmPI0bQHad1dwo+nnk0NYVukq01F3w6E1cN
        jsbClfiakFUDo0jr1aEzA8mPefdepFtQI1M/rvo417yO7pmNGnVsJuUz3W9h9EbI/DRIWvMAXNMJ3Ecc2iHcW4JLOxsMPlDW7uNMmyz7dN2QqyW2
        YpQ263iLWnEx7D1I624d26nDHCFiM2k1XfnRxO0hU0tz85mnQ2PzReDpgNSc2YsvXpKZ1HQw28uBokhLNGobFFVjBe724oqQqcOrSy5djn16xICq
        iKSJkTkJE9OXrsRZU/JpRHTyuTPffJ2oShvhFxXmN/SNmn17e/b4xbNXUlRQfKQhZPHk6g2h4yeVld7fSTWY7VEoCoDyOGYHYtEe1BG8uhP4oXbw
        KCv8o3bwECu8yBau9LTCP6Rw0D6A2yFhNsx2akTDUnIwvs3tlyKw7uxtKrVt/B4c3Ic2VRTLZ2UVznM0XZB2VUzTZp3PXn06MfWzx3EXHNO6x/6l
        ZTTAb577LrmdlH9+6aFv2/ZbuK00mN8k77ZwI3p5pY5KHUUOkVvWwH9JXkne4UZ5A4ZRRcrpzghQFS9ZVfSehVpRxbiWIHP5dIfw6k7gh9rBQ6zw
        IglubmbRa1r+gNS+eRYrT6OaPW3g1RLcTN9BOmUDP2SexsrrAb6WtS/BiyjcEj0GvbVnnqnNIpOGYMGmSgHkMGYSDKLBz6Bz93MX+TWRM8Jq6hdU
        1szp/lrNdGs8uT+2C0zz3U+W+mHjXpxVjh/Tk8PcZU/PJ2qfb3zz1f6Z+PmniPl5S5T5Mu7S3b5l1vzsT6sr52dJVIlOTNdGybp208odA6NqtMzl
        Ux3CqzuBH0If2MCjrPCP0H4beIgVXkThoLOnUYbYImxnK/WulniHWieC58cdxEZynCbSgy4i8FJyTJhIjs2/CqXTzA1igHDQamltN7xlP7UzS8tP
        9BoZNKtOqUzSjAqumaNUmqKHxeNE7DP93ZGrSpclsOD9jF2pz1fw8b0833w1INZzqbf3m6/2HeZl+mvaJ7Np5L5fvw35L4z+dC7lc//+L00DClkM
        mHEkQ+agxNkH4dWdwA+hP9vAQ6zwIhnOIq2s/GS5nfVMv9gOgmXfz8+6wfQ7dxCU++lWUwdbCNaeQ6w9F7Ge5X0f9jZe274P3YmieWWwAhii4KWI
        nT4GS8EhvY8SzDENrEdERtBAJj/ksiCo7AO9kgICLl0KGxidMGdorOBBFgy+NM5b4+DsFhwynhzjC8mOSA+PuGG05cWw5qqFNZdCerPXoNTjxTcx
        avr44ya68LpwAXhyUbjAeyk95R0bG7dSafE1gTW4LjUiMoWmdVsefXQLTSKhAOpBSs9b6LvVoiefqYhCdLtADsN6YT1rR1a2GGxkDXJcpKAI6unr
        v7Rwqm9yQIybn4Nvb3o/TEz34wTN4Gi7p5739O7r4Dg0Cu56yHzC44BPPFsp6csuXVLwrWtpTjz3DPe56M3e/3dl/SolBXdzBwKUChYWDmeB4EgW
        fAvCUIo50+5u3IYR8fExcRpt8ODeO2Ji0sc3Jo5MGR2flDQi3kfn7p7Qe+3gmPWvDh2eILSu9bTvbu/g1cNDIbr075eVZwxVdXFZ42Xv4KjWeHa3
        VwrqwP6ZeVl2doCTC0h1oOgg7RUY3SONXSQB6Am5uer5n4kJO/786sab/FkcumcPTOn7jxwBaZRyz/CRQEk3NlKlGCJFOgZHqvXhComU8LBISyhK
        aVmh43MJSV5exiH9+v71r/2jBowtHR4/PmPXE+mTkwYPCU96LvmDrfyuPn38Xd0Cese4p5B1U6M8PKIGTCkLC3MI7te9e881jo5Pyv3nQP8eLHbt
        qpN5Fulq0zVlmjJM4rKSzzH9zS4kZFLiiJGjRsPvwPTpRcW7tuTmfe/nPyguoHdX/lRUgq/e2dn/JWBexoT1aydOnDRpbJRer9MORjY99mBr/3Cd
        LD5luKz2kgJGMj5ERJZyDtDbxKS23r7YvfkT1tdYFX+SdeVksHS1o4l2FMfegqFRlCoFL6+z/aQdW33pt5iHRXwjriI/kWvfKnji/x35hrwFsHty
        LeEMYAfeP7YgBIMyItz6LrheLcmBjVVXVsaNa+0bHZ3w+NAhFzHuFzo0AV/sHRar11+8GBAREZtcIWwZqPGOG1ZPFuBEpZ2dQ9ygaZPIZzixaFBQ
        8ARyjKvKjPDwHCzzpgZ6787egYBOZG2gFgIwcaQy8XeMwDdH9jYYeo9MNvTubUjeVVBYWLBr9+efC8uDg3cGB7PT8gkTyKcTJmzHEdtpu/gtxnM1
        i3cxxKXNEqlFZ0tPEWH+eNS33wZWJi8cl54+bmFyZWGSwd/fkJScksLdJrv4nMzIsMxMci4zMwwfDw5qCgqetnOazDdui3iQ+bOuRle9Gtpjez0G
        ulsYbgzHH3z/vbPLwOpDTwwYUFEhHmxaTm71c3BcHhoyC6uWs7efOo1cgp2V85wU6AtmX8vwDlHPNVnKlgl/uD+SayJEzuOfs8njfVvP2OQpbfOU
        vneseQjvsENSHp0q7NAdRLPMZrrrxYcovBz90VRm5afSF5QBK/YOj/k6wIcyOJyxM7R0kp/ILZXePIRZ29nIcway7WJzHj8R/PkswmaB+VAmyvp2
        Iq93voTToQi49xfJRpzF3lpTcCm2X4DcwenfnczHC60lbNrAamc9r8bNec0XLU1gLzreABfhCVamqwUb6SzoGE5EYUHNk+5bkksyirBKgZrlNjUB
        A8sZp/+1OR/fY5e27sgF0oCnQU3AXEhgmHe14I5tKZAqWgixVnyoT0aTnp0FVX7zXzdDerA7+okbRuHmaP5D6S00zN7wkvaGcAYeARb4LNlFzsPq
        rpksvH7/SyGIRlmNcg3nthqWWrY15dr0ammBDLpOFuK66/gjaAcb8Er+Fsz0dDYNoxF0Y/sYMkzt2AADYEFy8sLQsPAIo3HhiOQFMNa4eyMWhBrD
        I0LD5iePWGg0RtAsxFqMFRKEHUyqwepgHIwNvAbH8uUkSfoehlO1fdnT0PZlD8e+ldnJ8uQ3YbClBLfVUk4qy9OyymlyWZlrliTeooXvbXu4Ik2g
        9zs4BdeDX+KoQLPOQzP0i7euGfJ7rXS3kO6KjfyVr95+5Ws4vpOv4bp8TD93S0xJSdzT/NUf9/zl1J3D8vdvifL3cHgx/TxOLX8st0f+eK6Dr+O4
        AZZP4hotH8nd/VnR3aS1FGi0VAESSJH5Ined7RYhmM2N733Db/7GS9EduD2IW8bTb6W6M6sa5s+cEHn+dGk/fXJxQ9fotFpdykid9lpO7s7d2Tk5
        uX/YmZsjDH153tChL78SC78NJ8srKmZ++UXFzJkV0ky5Ho9i/o+8U+dqpBMY/BT8a2NMy2iZATDLBYrUZtK9hmDeyAfTeLLeVR+uA5v7009Od5Ys
        +Y7Uir3IPk5huvdSQ0MjHS/ZgLsz1PODloPpZxrSfNCh88Sm5ye4FDLTM8J7y7Sp+QV/SEtJSRk5bNigdGNoaEiGcWDUMPH8hnkKu9SUJUtGpnS3
        77W1t7OLwT82zt+/W7eegGca9Gdg7xMHSjObhVO0A+dgixOnlHcflJIGSMzDHw/WwG/wEHq+NDDMGDI9OloVMG3Asm1ZWQ3vflRZ9cmQ6EFClK9f
        8ghfPz/fEcl+vnjVup7duoVHFHv2Wj178egxZ46erHm0SxegPB04pgTKlRLl9KOtdO5d8tJlPA58+fO1pgjudTo+UgFjLybdfjR604Yz01r/NtlS
        bJU2jicNrsizqUQU3jVM7+urHxabkHA9vU+fCRmNmydk9Akc80hg8JTJTe9OmTLtBY13VOQgb+/IKG+N4KzTDY7R6eJiBscl9AgOTiweEBkZOT2l
        b1DPHmHho+cMHTJk6JzR0w+EenpG5Hl4enoCd2MBVw/AlfktzsEs1gNKaPXhIqxMBWZTf4K6MoDj3AFFocXR0V37BAVHPjs+44DEzNjo6KvA8cGD
        h8CZe/ulHj2Aj73s7UeMnLO44cynXz76qF0XvNnX77kRI57z82XfbAFPd4glD37dyBXhJPLearIbJ4slpOUJurv5BGZvRC/hD/I7hATL3twS3tB6
        Wkh4AmhZwsdCzuH23xCxfFbm8KLZT1BfgRPxdwoO2dMvgEEYIItII9Dr4oa/ez8rEH5Z748O6D2aE5+um3Orbu6SRfX1d9gsXwg1z0NN+lZOhORa
        GUF6VIiFY3oHBPQeA/WDAgOzOfEJqFNfv2jJ3Lpbc+qetqzcwI/qZOXm+g9Xbt+NbVu5gdvHFm5gTweZ/8YH8elOSvQjQqY8gIDp4e35YQCplSGl
        DELLVMqQyVDLiUGqZMgAKBPIal2VIdlQxplBrsmQNIAYWK3rMiQdailZmZ9kSCqU8WJlbsiQWIB4MMjfZMgSqLWDOwGQmxYI9uN34K0A+dla5nUo
        EwCQX2RIubkYf8cXAOTvMqQQIOcZ5JaFUvMNPpJbAJBPbCA5DHLUBlLDIMdliAvgM5CrAsjHD9X6VIaUQZkhfCFADtpwtYpBjrWVweMY5HBbGeEM
        a+cz23YY5La1L7Xc1+cyJN58g/ucQY60tcNt4f0AcoJCQJ/y0LuKIcIY9oZXOHZXgqa7K/PwkpVHhMX3a4+s5AY9Qx9uHFlJ/YJnEBL7iGfYm0lG
        rDSAyikNvKuliHiGzFp55P5jwlNH6Hv5NdD2aKlt7IoNkTAgDZGK0axMrbAYGv/kGfpAG4e2zXehbfZOvajHke5qozrSnX/VUkLJcHrq/mMME3Sa
        6ya2cHcso5d9vsfducq+DdstXhe6Ih1YzUibNZRk0WG4tFtXwrjDoZGW5TuYWHlK8OfTR0SnzVoxNTd34gupMyOje7R/JJ8+XfJU6eT+ITncL9Y7
        89KI5JmzDr5fXz40frzR9oGM/fTnIQmTc+bgPfIN26W/ILYIepi7o//Ru2TOv+tNs+J3s8tWqUQ7e/qmWaGU10XR7i00KU/Q276FljY8WuDoW2jk
        XQYWOEVMSrpcQhw8kvHdfEtsEbtJX/c4uyuNrjqqM7whEqb7SN1p3r31hZVXyLTt3OjWH1tXP3cVN+4wNfItOKRu55Uz18iJ+qZrZyxvKAiN0s6j
        H33FQHoNRWyhX2q21vPz6fX69evckS+//BmPvoLTHqwVSc08+3rTr+0Dz/nXr/M7fyFNV8iOn79EXOthEZmjxVvy+1Tyu0at8stG4i36shHCplLh
        ujmNlWJvChAj9iQXPxJvkTsAaN0EuZniHRafsI0xhduGmcKNLgrJbSTcAF7Zv5e291KuZILfCEO0q8HRz0Af/BNEjZ4TPAaFKkQXcfqCnj0M9g6D
        ohRwP9+N9tQkXCerZDyc9dh0/MhH5CJFA9tB7mLAoxZyaWxN50xDO6YCHHaextZomVdfRdIaUs+nob7oMdSNPtn87JAg3/VE/VEx2oOVsMbIw/Px
        BvwRPouv41ZOxfXgkjjwzbhPuR/A3k7iS/nd/N8FleAjRAojhGnCarEbjNNscbm4V/xKvKbQKaIVyYocxVzFcsV2xceK28peyjHKhcoPlaeU9+wc
        7ELsxtpNt1tg94LdJrvddsftvrb7sYtfl4wuC7vs7HJZZadKVlWqFqs2qQ6oPu9q1zW467Suy7se6PpNN+9usd1Kus3r9kq3/d3OdbvVvXf3iO5F
        3dfA0dT9b/be9kX2L9pvc+ji4OnwtMNRhx8c7joqHec6LnXc4/i1mlfHqFPU9ep16kb1UfV5p+5OQU5DnEY5PeL0otNrTm87ve/0sdNJZ3vnAc7x
        zqOdM52LnKud5zk/47zGeZNzi/Nl55+dzS5dXdxd9C7DXZa7vOSyxeVdlw9cjrn87DrINck13TXLdYbrY66LXC+6/uR6303p5uymcevrFuk2zG2U
        22q3Brftbnvcjrj9ye2c2z33Ye6j3Ke4F7pXude773Df6/6p++0eXXoE9ZjWo6THH3p80dOxZ3LPup5rep7y4D3CPDI88jxmeDzu8ZTHao/XPN72
        eN/juMc5j588sae3Z7TnRM9qz2We73h+7fmD5+1e3Xv17WXs9Wqv7b3O9brh1c0r3muJ18teP3sbvVO8J3nP8F7ivcX7pPcZ70ve171va5Cmi8ZJ
        46nx1fTXRGiGaJI0YzSTNbmaGZoazVzNYs0KzVpNg+ZNzU7NPs0RzQnNdxqT1kXbVztAu0x7WddV568bohury9at1r2u2800i5v2XkTp4W2POAz6
        O9LYMcX6Jnj9BMv1dmXrdofjXQqhrJ201w+z2HFUwMEMym/GGqEv+lCxEy0VV6KNdgKKU9xDs7kq9CHfiHZA2iQEoQDIP82rUCk/FpXD9UuO7meu
        RDmQLkNqgLQEUiakDZDq5ec6SNN5I7oEaT5tw5KETWgZYLpYEYJUip5oL3jhBYpNcJ0lJcVKeG5Ce7l7NJmXKYwAh3LKW5AHcAXgL56VrooAyPsQ
        rRJroK16gEGbdidRjKIvMojHzFfF4yiT0kJxhutS6P8EHYCQpokFaKK4B20T9rNrpliKJvKzoR69b0LbuP00mfeKY6V7uwy0lcLFeqkeLcffhPof
        Ap0nkSfkbRQjkUaZh5LEAKSB+55gJ6EtjLirWKBXSr+F98Cf7YxP7mgEXHvSMoCXPaTDYGo8hYXAz75oA+M/8J7BIA9SE4PNB5nMR5MFhEvFi9CW
        O5pP5QPPCoDPhvo1UP+gXRLKk1MR5T3jewfJbjvdpwbezmqTBU0gBzdJFoiHFAt96yxyeCjtBBqPo/5MFjaJyeIyXA8C3yjfO0h2OWgik0Vp+wQy
        aJZlcQmuesZ/ixweSJQvcE1jsrBNIAsmM7jStvjXURnwcTGki5A24YOojO+G4vlU5MK/AXxtltN3qFQcBdfL8rOHPA4ggcxoG2V2UgKdYvJDIIOT
        kKgsVtGrGIdOQtoLaRW9QplwSEbRCxto4rbCGMpADdBGA+jGjq5PoDicQYpAhoMALyrjAZCyIaVBSoeUCilWiEJLLIlLg7VQGiqkdNF6VP4W/fhd
        9S20U3opL+g9bRP4QHnEeEGfKZzyC/gBPM8DuT8D1xr5elqxFeRuM+ZpQqj1sKm0dVNrU+tiaruUpcQLIUfd7cq7oQ7HH5gnEdYAO1/g9tL4l2gU
        6YaPt3TlT4H9cgLT19UOnCaB44R5dKWOULal7uiC4XlIi7Q++QoX4oLXKUvxxSyEzTRWy34ckmrQt0IxuwqI/u2tXsgRIN3QXGTWGrTB2pnaZ7Xr
        dat8nHy8fZJ8snzyWQtatFHrCLkV2mrtCt0Kay549+YL5gPfHPjmvW8e/+axb2adX3Rece7+uT+de//cew/S99CvO2qg2AjUUw9m+NF7jNzgSbrn
        kB1OkO95pAVvTLoXbO5F1AOXyfcK5I2flO/tkA/eJN93RQPxEfm+u99AztKXPSoyDJTvHW36VbN+h6FyVAHr0ErwWgpREaoGPvRGuSgArqEoGA4j
        3OVACS2KgzLVsB6thtL5IJdSWAdoUTKsmHJRINzFohlwaNFYa1tV7CkfrvlQ51E450FJ1W/oNcLaazr09Cj0NR3qlEFpikc21Pl9PcbD3XSolwFr
        Jy30VAT3tLV8ViObUaSFVsrgXAFlcqDdYiinhfrl0Hs2y3uwnXGslSrAqBzK53WSq7XmZzCsqqCtctZTKOBmhLWUbT1Lrf6dtFrA6kqUVstyoJRX
        A94DURAceXL5R6F8IJQrh2sl0JLP6lYyqgOhjXyok2DTmoULFkk8LG+aRzmbz6STD9iVo1lQlsri38Nh2lIi5NRCmSJWsxjyKhje1UyalAOVrAaV
        P2310Qe48iAdbRpU006DOqNGBUdHtEvSy4Y7W649rMsqkN0/f6h+0/j4949K7T+guRhyVOyumkGolpUyXpcArBwk8I9woZSNZu2VstbaxkExw6mI
        5eXLdBWyXspkqfeT5S5JS+pN0jFJn/sxvMqZ9MtY/Qp5rEk9lEOr1bKOFctakM3akDitktusZlg8qE+5rBzVQ6l1Swu0tIS7pMv5bORKuudjoyU+
        THK0bh67VjG8cqFOtkyfio2CXNDQUtZKNcux8KcA7mbII6m3Fce2HqitofhXg/5K2k97bOMJhVSwUZMHPeSy2hZs8hgF1UzXciC3muVKfah+pYd+
        8mjOBcxqWCsST2YxHShiVqda5kwpg9lSZKGhsp1WStjWMB72s5EOvS9l8pRkrbKxIFVQu18ndPSz0hnELIiWtSyNB6ntYpmr7aX/61RbOCdhW2HV
        6GqGV5vWtVE0i/Gj9Df1YBkNBcxql8kU5tv0mMfOtI9+7Eo5MR1K5LL2pDIW+RWwOUSybBYJ5bK+8xjGxTKmA9noTJexy4YWy5llaJOBrS1q48DD
        lqAMylfLo6GqXVnLWKno0AbY1tMymrMZ5ipmm9vrmsQNaS7J/hV5lrNZTivLvpRd83+HtGmZWoZvAbMCtO3Adpz6tbqUJ7Xy3CL1TnlewHDMkzVp
        BtPTSitEwpTyNM9G5rZaZ5lBs9mMWMxsxgz2pLJSlMcwpfIqs+FGYbt5VerJYkOzmfZIumvp40H+VP1DmixYqmQK2jQsm8not2PQvp8H+dERbv1k
        ec9g9Yo7seYqq3QqmZ3NZnalrV0LpMqqkZbx8uDskS/buXxGhaWnWYyqPFbfp4P50MdK94M1VJBnmW19bLRMGjMpD8wvOWy8l9vgWiOPA4uePAq5
        xR1wLB89xvhcJo/kCjik2SubWdR8aw1buUs4WyCqDkdKEbPwWnatknHMZ5rUmZ5YbF1HtjuPzQRlTO62/OqIqyobztnK8J8dq1Wy562VKbGMNstI
        ymbzmsX3qJRrtG+xgml0CZwLZYlJ8yHVKpXVqv5fWqrOqcqRx0i1PB8WWDmVhIazfkahNHii/YyCp3Q0AfzIsSwvGWBa8OPGQk4GPMUDNJ7JJZbl
        0HwfNhonwD1tcRQaz9qS2hgLZ9r2JIDQtrXsmT6NhPJp0BatOxxNZH0Mh9bGAWaj4J62nQrQFLgOl8vRGsMAMh6e6X0i80Kl/tKgVjobO7QexUXC
        NB3gbb22xyqZ9WjBLBWexkL7SXJuLLSdzNqj+Pdj/hG9T5PxlDg3lrVOeURbpm0OA4xS2BOFjofraCg3jvEzltEsYZvGaEiAfImW4QwDSRISRsPg
        Ohr6piUSAa90xgXaU7pcsh+TI6UnntWnvY5kpSTMRslSHstWAZZWAmVeSnhQ/mdYex7H6E+BQ8voTwdIOpNNLLRvadeiO4msBYq3inFjPKMvlvFh
        FOshjpWjXKT8TLFq3FgbqQxj/KJy68fWlrGMkkSrdB6kxNKarXQ60g6VtYdERt9wxqkUVnoc8HE4lE+2QiR9TGa0DpN5LbUp6b2kEyk23B3GaKSS
        HQO9Dpd1Kpbxrj0VVE4TGP5tVEgSiJXPw2x41ib9NFm6FnzSWc/pHXBlAhuLw1mpWCbrcdYxksDGb6qM+XirhrXZgPGyfo6yYtaev5ZxZCn3W2yH
        1Jal7/YSjGf6lCJjOM7KDamE6lfalWzXcJjXctk6p9pqt9vP3LZeY5s3aut39rOxtbaegGSFE1nZ0gfKtUGl1ZI0Z7WtdWx9t45W2JbVcb92Xm+b
        9yHZbmlNZOv15jH/XPIBq6xeSTnzA8utnskslptvs1qRYifl7dZ5tOdsNvf3s/ZlmYvKbbycPIb1DLm3qg642fkMpXpoZVjB5nupl1nsvlr2TCh9
        NXJZCn/8gdVw5QOrqTYZaDuUgYWWjjwHW/5XMnlXyGupYsZh6k8Gyu1WWtdlbTyhHJDiaqUPSL1N+2hrAx+KKlQzj7gN8zzGa5Uco6N9qpi9ssS4
        /vtRp393VPZ/KR6kahcP0v7H4kGqDuNB2v9wPEj1m+JB7T35XBucqh5aZ/y2CGpHERbVfy2upH0orqT6/+NKNnElVbvx8P+9uJKq3Qz734srqf5H
        40qqDuNK2v9wXEn1K/GC/0xcSfW740ra/5O4kqqTuFJns2/n0SVpfS55Ev9r0SXVA9El7X8xuqT6Fe5qbTj4vx1lUjEd0/4PRJlU/8NRJtUDUSbt
        fyXKpPqHUSbtfyzKpPodUSbt/1mUScV4kAGtjmDYStyOhfz/XOxI1aHM/1uxI9VDsSPtfy12pOo0dqT9D8aOVL8jdqT9r8WOLJa18xnl4YiP6p+I
        +Gj/jyI+qn8p4qP9N0V8VDYRn1+LO/w7IjTVD7U/1CbSoGL90KfAf+GdqyDGlxJIQQy3POY1BTL/tQJg7b0xXnqR0PwX+ldIOvxx9C1w9nfP6NuI
        3axQ+vwBpC8Q/cuHP2Ivlk8TpWMQ4uITUtKR/Yzs6jLUQ/qCgb0JabljpUvyK8ukvwHNksDesmTvnascaUnVM12fYVGIDn7kJLRTYt5knkTvfvfP
        nyX/NoA523zQXGPeBHeDHi5u3i2lB6DxqJKmzjoxv2VeAecV6J/5BT2E7+//jZTTr7ZgLvntDZrPSInsNh8kJ80rzK4dlnqK0i5zoA7O69j9CikP
        jrfYsQ75EyhF3uqsJ/nun5EvMqfJ101Ssm2x7andmWJ6VHqWDquedKAN5C3zbvKdORvuDnaCQc2DOkMCILnKNPlTuqT+rDWO0hoP69k//pGnzGfo
        H0gFbewIk6MdctZfyrPJjSLZIJPsf0Hjfn282WKxyXrXyfhoK/EbpL3pX0OPnCEnyVHQ5+yOxh+5Q26QG+zuhllDE/SoMXdnPWeaB5n7mYeC/Yih
        JaVkxevgv4d95I65BNImc83DmixxEHA/Yx1ju9tkDXDLQW2YRtIR8yRqOcHidci3NmsH2vhgX7stxwPwSb9mKR/UQdue2uXJekLeAnm8ZU4D3nbQ
        HqMg3nJna8GA3njrUULHhTRTPMyz//zv13SBSu+fnCdsf8vo/y7+G7E5+itSAZvQ3upSHpJ/nYMZVqszqU1j/i28rZPSv6297M5s6T/ZnsXePzQH
        PTzCfle7ru1sn7911u/EivwOi0Nntu/MdMZa96/YrQ5sc6czS6eeHAaP0h75ID3yRX7IAB5hP9QfBaMQFIqMKAyFowgUiQagKPCYo8FrTwQ/dxys
        wyaCXzsPzUcL0EK0CD2JFqMV6Dm0Cj2PXkCr0Rq0Fq1DL6H16GW0Eb2KGtBraBN6He0Dz/YL9Bf0NTqDzoFP2gd69gEc9HBwgIEveL9+cAiAiQGJ
        gE1vpACM+iEl2++0Y/uZXQC7EPCGQ+HoClgawXsOg6M7YBsO1ETA4QBYRyJHwHwAUgP2UcgJKBiInIGKaOQClMQhV6AmEbmx6IU7i9H0AMomoJ5A
        3UTkARRORp5A5SLA8Ek4XIDKxYDhCjgEoHY1YLIGjl5A7Xro8WU4nIHe16HlfXB4ArUfwPkvcHgBzV8jb6D7DNIA7efgngMMu8OBAWd7RP/+hQOi
        f4OwF7RO+SIyjihQXziUjHI7RmcXRqeK0dmV0dmN0dmd0WnP6HRgFDrCGjse6E+AwwmNgMMZVuGpQMloOFwZzW6wOksH+jPg6Ix+kdHfi9GvYJTb
        Mcq9GOVdGeUOQPlGoOpVOBxB4q/D/WY4NGgLHGrUCIcWvQGHE9qK3oT7Jjh06F04XNFOtAvu34PDB/0RDj3aA0cP9D7aC/e23DwNhy/jph86C4c/
        46bBukZ6DnTQha2RHs+uzM5Bi7IrS8vQopzK7GK0KDe7rArORfmVcK6tnIEWFeaXw31hZX4JWlSUXQZlivJzAFKSXZaNFs3ILtfSM6y1FpVmVxeh
        RWUlFFJemF2KFlXWlEHJ6oKyQjgX0fZt1mPW3/8Di4tp6eCCAAA=
        """;
}
