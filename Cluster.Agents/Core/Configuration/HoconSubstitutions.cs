using Akka.Configuration.Hocon;

namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Refuses the substitutions Akka's HOCON reader cannot resolve: a value that refers to itself, directly
/// (<c>a = ${a}</c>, <c>a { b = ${a} }</c>) or through others (<c>a = ${b}</c>, <c>b = ${a}</c>), and chains deeper than
/// the reader can follow. Akka parses these without complaint and then recurses until the process dies of a stack
/// overflow on the first read, which no handler can catch; HOCON's own rule that <c>a = ${a}</c> means the earlier value
/// of <c>a</c> is not implemented there.
/// </summary>
internal static class HoconSubstitutions
{
    // Objects, lists and substitutions one inside the other; the brackets alone are held to 64 by the syntax check.
    private const int MaximumDepth = 256;

    /// <summary>Checks the values of a parsed file.</summary>
    /// <param name="root">The file's root value, as Akka parsed it.</param>
    /// <param name="file">The file's path, for the message.</param>
    /// <exception cref="ClusterConfigurationException">A substitution is circular or chained too deep; the message names it.</exception>
    public static void Check(HoconValue root, string file)
    {
        ArgumentNullException.ThrowIfNull(root);
        var onPath = new HashSet<HoconValue>(ReferenceEqualityComparer.Instance);

        // How deep the reader recurses below each value checked so far: a value reached again costs nothing more.
        var heights = new Dictionary<HoconValue, int>(ReferenceEqualityComparer.Instance);
        Visit(root, null, 0);

        int Visit(HoconValue value, string? via, int depth)
        {
            if (heights.TryGetValue(value, out var known))
            {
                Within(known + depth, via);
                return known;
            }

            if (!onPath.Add(value))
            {
                throw new ClusterConfigurationException(
                    "--config", file, $"not valid HOCON: the substitution ${{{via}}} refers back to a value that contains it, so it can never be resolved; give it a value that does not depend on itself.");
            }

            Within(depth, via);
            var height = 0;
            foreach (var element in value.Values)
            {
                switch (element)
                {
                    case HoconSubstitution { ResolvedValue: { } resolved } substitution:
                        height = Math.Max(height, 1 + Visit(resolved, substitution.Path, depth + 1));
                        break;
                    case HoconObject obj:
                        foreach (var item in obj.Items.Values)
                        {
                            height = Math.Max(height, 1 + Visit(item, via, depth + 1));
                        }

                        break;
                    case HoconArray array:
                        foreach (var item in array)
                        {
                            height = Math.Max(height, 1 + Visit(item, via, depth + 1));
                        }

                        break;
                }
            }

            onPath.Remove(value);
            heights[value] = height;
            Within(height + depth, via);
            return height;
        }

        void Within(int reach, string? via)
        {
            if (reach > MaximumDepth)
            {
                throw new ClusterConfigurationException(
                    "--config", file, $"not valid HOCON: substitutions and nested values reach more than {MaximumDepth} deep (at ${{{via}}}).");
            }
        }
    }
}
