using MInference.Decode;

namespace MInference.Tests.Gpu;

/// <summary>Bad calls of <see cref="GpuKMeans.Run"/> and <see cref="GpuPqCodebookTrainer.Train"/>: typed exceptions before any launch, the centroids untouched.</summary>
public sealed class GpuKMeansValidationTests : GpuFixture
{
    private const int Problems = 2, Points = 300, Dim = 2;

    private DeviceBuffer _data = null!;
    private DeviceBuffer _centroids = null!;
    private DeviceBuffer _workspace = null!;

    [SetUp]
    public void Allocate()
    {
        _data = new DeviceBuffer(Context, Problems * Points * Dim * sizeof(float));
        _centroids = new DeviceBuffer(Context, Problems * 256 * Dim * sizeof(float));
        _workspace = new DeviceBuffer(Context, GpuKMeans.WorkspaceSize(Problems, Points));
        _data.Fill(0);
        _centroids.Fill(0x5A);
    }

    [TearDown]
    public void Free()
    {
        _data.Dispose();
        _centroids.Dispose();
        _workspace.Dispose();
    }

    [Test]
    public void BadCountsAreOutOfRange()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Run(problems: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Run(points: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Run(dim: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Run(dim: 5), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Run(iterations: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => GpuKMeans.WorkspaceSize(1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
        AssertCentroidsUntouched();
    }

    [Test]
    public void ShortOrSharedBuffersAreRejected()
    {
        using var small = new DeviceBuffer(Context, 16);
        Assert.Multiple(() =>
        {
            Assert.That(() => Run(points: Points + 1), Throws.ArgumentException.With.Message.Contains("data holds 4800 bytes"));
            Assert.That(() => Run(dim: 3), Throws.ArgumentException.With.Message.Contains("data holds"));
            Assert.That(() => GpuKMeans.Run(Context, _data, small, Problems, Points, Dim, 1, _workspace), Throws.ArgumentException.With.Message.Contains("centroids holds 16 bytes"));
            Assert.That(() => GpuKMeans.Run(Context, _data, _centroids, Problems, Points, Dim, 1, small), Throws.ArgumentException.With.Message.Contains("GpuKMeans.WorkspaceSize"));
            Assert.That(() => GpuKMeans.Run(Context, _data, _centroids, Problems, Points, Dim, 1, _workspace, small), Throws.ArgumentException.With.Message.Contains("assignments holds 16 bytes"));
            Assert.That(() => GpuKMeans.Run(Context, _data, _data, Problems, Points, Dim, 1, _workspace), Throws.ArgumentException.With.Message.Contains("same buffer"));
            Assert.That(() => GpuKMeans.Run(Context, _data, _centroids, Problems, Points, Dim, 1, _workspace, _workspace), Throws.ArgumentException.With.Message.Contains("same buffer"));
        });
        AssertCentroidsUntouched();
    }

    [Test]
    public void TheTrainerRejectsWhatTheCpuTrainerRejects()
    {
        var few = new ReadOnlyHostTensor(new float[200 * 64], TensorLayout.Bhsd(1, 1, 200, 64));
        var enough = new ReadOnlyHostTensor(new float[300 * 64], TensorLayout.Bhsd(1, 1, 300, 64));
        var options = new PqCodebookOptions();
        Assert.Multiple(() =>
        {
            Assert.That(() => GpuPqCodebookTrainer.Train(Context, [few], [few], options), Throws.ArgumentException.With.Message.Contains("expected at least C = 256"));
            Assert.That(() => GpuPqCodebookTrainer.Train(Context, [enough], [enough], options with { Subspaces = 16 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => GpuPqCodebookTrainer.Train(Context, [enough], [enough], options with { Iterations = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => GpuPqCodebookTrainer.Train(Context, [enough], [], options), Throws.ArgumentException);
            Assert.That(() => GpuPqCodebookTrainer.Train(Context, [enough], [enough], null!), Throws.ArgumentNullException);
        });
    }

    private void Run(int problems = Problems, int points = Points, int dim = Dim, int iterations = 1) =>
        GpuKMeans.Run(Context, _data, _centroids, problems, points, dim, iterations, _workspace);

    private void AssertCentroidsUntouched()
    {
        var bytes = new byte[_centroids.LengthInBytes];
        _centroids.CopyToHost<byte>(bytes);
        Assert.That(bytes, Is.All.EqualTo((byte)0x5A));
    }
}
