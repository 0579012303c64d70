namespace Cluster.Agents.Operator;

/// <summary>One thing <c>doctor</c> found wrong, with how to fix it.</summary>
/// <param name="Kind">What kind of problem, e.g. <c>wrong group</c> or <c>port taken</c>.</param>
/// <param name="Problem">What is wrong, naming the node, address or setting.</param>
/// <param name="Fix">What to do about it.</param>
public sealed record Finding(string Kind, string Problem, string Fix);
