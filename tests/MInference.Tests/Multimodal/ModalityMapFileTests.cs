using MInference.Multimodal;

namespace MInference.Tests.Multimodal;

public sealed class ModalityMapFileTests
{
    [Test]
    public void AMapSurvivesSaveAndLoad()
    {
        var map = new ModalityMap([ModalitySegment.Text(0, 70), ModalitySegment.OfVideo(70, new VideoGeometry(6, 8, 9)), ModalitySegment.Text(502, 1)]);
        string path = Path.Combine(Path.GetTempPath(), $"modalities-{Guid.NewGuid():N}.json");
        try
        {
            ModalityMapFile.Save(map, path);
            ModalityMap loaded = ModalityMapFile.Load(path);
            Assert.Multiple(() =>
            {
                Assert.That(loaded.Segments, Is.EqualTo(map.Segments));
                Assert.That(File.ReadAllText(path), Does.Contain("\"format\": \"minference.modality_map\""));
                Assert.That(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".tmp-*"), Is.Empty, "no temporary file left");
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        const string Head = """{"format": "minference.modality_map", "version": 1, """;
        yield return new TestCaseData("{", "not valid JSON").SetName("BrokenJson");
        yield return new TestCaseData("[]", "top level").SetName("NotAnObject");
        yield return new TestCaseData("""{"format": "other", "version": 1, "segments": [{"modality": "text", "length": 3}]}""", "\"format\"").SetName("WrongFormat");
        yield return new TestCaseData("""{"format": "minference.modality_map", "version": 2, "segments": [{"modality": "text", "length": 3}]}""", "version 1").SetName("FutureVersion");
        yield return new TestCaseData(Head + "\"segments\": []}", "non-empty array").SetName("NoSegments");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"audio\", \"length\": 3}]}", "segments[0]: \"modality\" is \"audio\"").SetName("UnknownModality");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 0}]}", "\"length\" is 0").SetName("EmptyText");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 2}, {\"modality\": \"video\", \"frames\": 0, \"height\": 2, \"width\": 2}]}", "segments[1]: \"frames\" is 0").SetName("NoFrames");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"video\", \"frames\": 2, \"height\": 2}]}", "\"width\" is missing").SetName("MissingWidth");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 2, \"frames\": 4}]}", "unknown field \"frames\"").SetName("TextWithFrames");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 2.5}]}", "32-bit integer").SetName("FractionalLength");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"video\", \"frames\": 65536, \"height\": 65536, \"width\": 2}]}", "2^31").SetName("HugeVideo");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 2000000000}, {\"modality\": \"text\", \"length\": 2000000000}]}", "2^31").SetName("PromptPast2To31");
        yield return new TestCaseData(Head + "\"segments\": [\"text\"]}", "expected an object").SetName("SegmentNotAnObject");
        yield return new TestCaseData(Head + "\"segments\": [{\"modality\": \"text\", \"length\": 2}], \"extra\": 1}", "unknown field \"extra\"").SetName("UnknownTopLevelField");
    }

    [TestCaseSource(nameof(Malformed))]
    public void MalformedFilesNameWhatIsWrong(string json, string expected) =>
        Assert.That(() => ModalityMapFile.Parse(json, "prompt.json"), Throws.TypeOf<ModalityMapFormatException>().With.Message.StartsWith("prompt.json: ").And.Message.Contain(expected));
}
