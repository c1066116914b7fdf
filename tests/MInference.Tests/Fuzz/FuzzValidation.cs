using MInference.Prefill;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Fuzz;

/// <summary>
/// The arguments of one call to a case's entry point as the library's managed validation sees them
/// (<see cref="DeviceOperand"/>s: each a storage identity and a byte length, no device memory), and
/// every check that entry point makes before anything is launched, run without a GPU.
/// </summary>
internal sealed record OperandCall(
    FuzzOperation Operation,
    DeviceOperand Q,
    DeviceOperand K,
    DeviceOperand V,
    DeviceOperand Output,
    LogSumExpTarget? LogSumExp,
    DenseAttentionOptions Dense,
    AShapeOptions AShape,
    int[] Heads,
    IReadOnlyList<HeadPattern> Patterns,
    SparsePrefillOptions Options,
    PrefillShape Shape)
{
    /// <summary>A valid case's call: each operand in a storage of its own, sized like the GPU run's buffers.</summary>
    public static OperandCall Of(FuzzCase fuzzCase)
    {
        DeviceOperand Of(string name, FuzzOperandLayout placement, TensorLayout layout) =>
            new(name, new object(), fuzzCase.DType, layout, placement.ElementOffset, placement.BufferElements(layout) * sizeof(ushort));
        LogSumExpTarget? logSumExp = fuzzCase.WithLogSumExp
            ? new LogSumExpTarget(new object(), (long)fuzzCase.Batch * fuzzCase.QHeads * fuzzCase.QueryLength * sizeof(float))
            : null;
        return new OperandCall(
            fuzzCase.Operation,
            Of("q", fuzzCase.Layouts.Q, fuzzCase.QueryLayout),
            Of("k", fuzzCase.Layouts.K, fuzzCase.KeyLayout),
            Of("v", fuzzCase.Layouts.V, fuzzCase.ValueLayout),
            Of("output", fuzzCase.Layouts.Output, fuzzCase.OutputLayout),
            logSumExp,
            new DenseAttentionOptions { Causal = fuzzCase.Operation != FuzzOperation.Dense || fuzzCase.Causal, SoftmaxScale = fuzzCase.SoftmaxScale },
            fuzzCase.AShape ?? new AShapeOptions(0, 1),
            fuzzCase.Heads,
            fuzzCase.Patterns,
            fuzzCase.Options ?? new SparsePrefillOptions(),
            new PrefillShape(fuzzCase.Batch, fuzzCase.QHeads, fuzzCase.KvHeads, fuzzCase.QueryLength, fuzzCase.HeadDim, fuzzCase.DType));
    }

    /// <summary>Every check the entry point makes before launching; throws what it would throw.</summary>
    public void Validate()
    {
        switch (Operation)
        {
            case FuzzOperation.Dense:
                DenseAttentionValidation.Validate(Q, K, V, Output, Dense, LogSumExp);
                break;
            case FuzzOperation.AShape:
                // Attention.AShape's order: the options, the head list, then the operands (causal).
                AShape.Validate("options");
                HeadList.Validate(Heads, Q.Layout.Lengths[1], "heads");
                DenseAttentionValidation.Validate(Q, K, V, Output, new DenseAttentionOptions { Causal = true, SoftmaxScale = AShape.SoftmaxScale }, LogSumExp);
                break;
            case FuzzOperation.Layer:
                // SparsePrefillPlan.Create's checks (options, shape, patterns, group plans), then Run's (operands).
                Options.Validate("options");
                CausalProblem problem = Shape.Validate("shape");
                var plan = new GroupPlanContext(problem, Shape.DType, Options, Options.CostModel ?? PrefillCostModel.H100);
                foreach (PatternHeadGroup group in SparsePrefillValidation.Group(Patterns, problem.QHeads, "headPatterns"))
                {
                    _ = group.Pattern.CreateGroupPlan(plan, group.Heads.ToArray());
                }

                CausalProblem operands = SparsePrefillValidation.ValidateOperands(Q, K, V, Output, LogSumExp);
                if (operands != problem || Q.DType != Shape.DType)
                {
                    throw new ArgumentException($"the operands are {PrefillShape.Describe(operands)}; this plan runs {PrefillShape.Describe(problem)}", "q");
                }

                break;
        }
    }
}

/// <summary>Runs a valid case's checks (<see cref="OperandCall.Validate"/>).</summary>
internal static class FuzzValidation
{
    public static void Validate(FuzzCase fuzzCase) => OperandCall.Of(fuzzCase).Validate();
}
