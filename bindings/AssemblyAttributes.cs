using System.Runtime.CompilerServices;

// Every type crossing the ABI must be blittable: no bool, string or array marshalling behind our back.
[assembly: DisableRuntimeMarshalling]
