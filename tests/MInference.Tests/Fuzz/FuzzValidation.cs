using MInference.Prefill;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Fuzz;

/// <summary>
/// A case's operands as the library's managed validation sees them (<see cref="DeviceOperand"/>:
/// each in a storage of its own, sized like the GPU run's buffers), and the checks its entry point
/// makes before anything is launched, run without a GPU.
/// </summary>
internal static class FuzzValidation
{
    public static (DeviceOperand Q, DeviceOperand K, DeviceOperand V, DeviceOperand Output, LogSumExpTarget? LogSumExp) Operands(FuzzCase fuzzCase)
    {
        DeviceOperand Of(string name, FuzzOperandLayout placement, TensorLayout layout) =>
            new(name, new object(), fuzzCase.DType, layout, placement.ElementOffset, placement.BufferElements(layout) * sizeof(ushort));
        LogSumExpTarget? logSumExp = fuzzCase.WithLogSumExp
            ? new LogSumExpTarget(new object(), (long)fuzzCase.Batch * fuzzCase.QHeads * fuzzCase.QueryLength * sizeof(float))
            : null;
        return (
            Of("q", fuzzCase.Layouts.Q, fuzzCase.QueryLayout),
            Of("k", fuzzCase.Layouts.K, fuzzCase.KeyLayout),
            Of("v", fuzzCase.Layouts.V, fuzzCase.ValueLayout),
            Of("output", fuzzCase.Layouts.Output, fuzzCase.OutputLayout),
            logSumExp);
    }

    /// <summary>Every check the case's entry point makes before launching; throws what the entry point would.</summary>
    public static void Validate(FuzzCase fuzzCase)
    {
        (DeviceOperand q, DeviceOperand k, DeviceOperand v, DeviceOperand output, LogSumExpTarget? logSumExp) = Operands(fuzzCase);
        switch (fuzzCase.Operation)
        {
            case FuzzOperation.Dense:
                DenseAttentionValidation.Validate(q, k, v, output, new DenseAttentionOptions { Causal = fuzzCase.Causal, SoftmaxScale = fuzzCase.SoftmaxScale }, logSumExp);
                break;
            case FuzzOperation.AShape:
                AShapeOptions aShape = fuzzCase.AShape!.Value;
                aShape.Validate("options");
                HeadList.Validate(fuzzCase.Heads, fuzzCase.QHeads, "heads");
                DenseAttentionValidation.Validate(q, k, v, output, new DenseAttentionOptions { Causal = true, SoftmaxScale = aShape.SoftmaxScale }, logSumExp);
                break;
            case FuzzOperation.Layer:
                SparsePrefillOptions options = fuzzCase.Options!;
                options.Validate("options");
                CausalProblem problem = new PrefillShape(fuzzCase.Batch, fuzzCase.QHeads, fuzzCase.KvHeads, fuzzCase.QueryLength, fuzzCase.HeadDim, fuzzCase.DType).Validate("shape");
                CausalProblem operands = SparsePrefillValidation.ValidateOperands(q, k, v, output, logSumExp);
                if (operands != problem)
                {
                    throw new InvalidOperationException($"the operands read as {operands}, the shape as {problem}");
                }

                var plan = new GroupPlanContext(problem, fuzzCase.DType, options, options.CostModel ?? PrefillCostModel.H100);
                foreach (PatternHeadGroup group in SparsePrefillValidation.Group(fuzzCase.Patterns, fuzzCase.QHeads, "headPatterns"))
                {
                    _ = group.Pattern.CreateGroupPlan(plan, group.Heads.ToArray());
                }

                break;
        }
    }
}
