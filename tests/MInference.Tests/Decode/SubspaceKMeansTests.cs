using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Decode;

/// <summary>
/// The Lloyd steps of the CPU reference on hand-checked cases: ties to the lowest index, empty
/// clusters re-seeded at the farthest points in turn (each used once, then point 0). The GPU
/// trainer is held to these same numbers (Gpu/PqKMeansGpuTests).
/// </summary>
public sealed class SubspaceKMeansTests
{
    /// <summary>
    /// Points 0, 1, 2, 10, 11, 30 (1-D); centroids 0, 0, 20, then 253 more at 0. Point 10 is 100 from
    /// both 0 and 20: a tie, so centroid 0. Centroid 0 takes 0, 1, 2, 10 (mean 3.25), centroid 2 takes
    /// 11 and 30 (20.5); every other cluster is empty. The squared distances are 0, 1, 4, 100, 81, 100,
    /// so the empty clusters 1, 3, 4, 5, 6, 7 take points 3 (10), 5 (30, tied at 100: higher index
    /// second), 4 (11), 2 (2), 1 (1), 0 (0), and once every point is used, point 0 again.
    /// </summary>
    public static float[] ReseedingCase(out float[] points)
    {
        points = [0, 1, 2, 10, 11, 30];
        var centroids = new float[256];
        centroids[2] = 20;
        return centroids;
    }

    /// <summary>The centroids of <see cref="ReseedingCase"/> after one step.</summary>
    public static float[] ReseedingExpected()
    {
        var expected = new float[256];
        float[] head = [3.25f, 10, 20.5f, 30, 11, 2, 1, 0];
        head.CopyTo(expected, 0);
        return expected;
    }

    [Test]
    public void EmptyClustersAreReseededAtTheFarthestPointsInTurn()
    {
        float[] centroids = ReseedingCase(out float[] points);
        var assignment = new int[points.Length];

        SubspaceKMeans.Lloyd(points, 1, centroids, 1, assignment);

        Assert.Multiple(() =>
        {
            Assert.That(assignment, Is.EqualTo(new[] { 0, 0, 0, 0, 2, 2 }), "10 is as far from 0 as from 20: the lower index wins");
            Assert.That(centroids, Is.EqualTo(ReseedingExpected()));
        });
    }

    [Test]
    public void TrainIsTheInitialisationFollowedByLloyd()
    {
        float[] points = RandomValues.Normal(700 * 2, seed: 21);
        float[] trained = SubspaceKMeans.Train(points, 2, 256, 4, new Random(5));
        float[] stepped = SubspaceKMeans.InitialisePlusPlus(points, 2, 256, new Random(5));
        SubspaceKMeans.Lloyd(points, 2, stepped, 4);

        Assert.That(stepped, Is.EqualTo(trained));
    }

    [Test]
    public void ZeroIterationsLeaveTheCentroidsAndAssignments()
    {
        float[] centroids = ReseedingCase(out float[] points);
        float[] before = centroids.ToArray();
        int[] assignment = [7, 7, 7, 7, 7, 7];

        SubspaceKMeans.Lloyd(points, 1, centroids, 0, assignment);

        Assert.Multiple(() =>
        {
            Assert.That(centroids, Is.EqualTo(before));
            Assert.That(assignment, Is.All.EqualTo(7));
        });
    }

    [Test]
    public void GpuTrainerRejectsANullContextBeforeAnythingElse()
    {
        var layer = new ReadOnlyHostTensor(new float[300 * 64], TensorLayout.Bhsd(1, 1, 300, 64));
        Assert.That(() => GpuPqCodebookTrainer.Train(null!, [layer], [layer], new PqCodebookOptions()), Throws.ArgumentNullException);
    }
}
