using System.Globalization;

namespace Cluster.Tests.Fuzz;

/// <summary>
/// How many inputs each fuzz property tries: a few thousand in the normal test run, and as many as the
/// environment variable <c>FUZZ_INPUTS</c> says for the full run (see docs/SECURITY.md).
/// </summary>
internal static class FuzzBudget
{
    public const string Variable = "FUZZ_INPUTS";

    private const int Short = 3000;

    public static int Inputs { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var inputs) && inputs > 0
            ? inputs
            : Short;
}
