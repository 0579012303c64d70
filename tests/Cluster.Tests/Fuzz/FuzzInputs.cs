using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Cluster.Tests.Fuzz;

/// <summary>
/// Inputs for the fuzz properties: arbitrary strings, and valid examples with random edits drawn from the
/// characters that a parser treats specially, so that most inputs reach deep into the parser instead of
/// failing at its first character.
/// </summary>
internal static class FuzzInputs
{
    private const string Special = "*?[]!-^\\/\"' \t\r\n{}()<>:=,.;@#$%&|~`+0123456789eE_aZ\u0000\u00e9\u2028\ufeff\ud800";

    private static readonly string[] Fragments =
    [
        "agent://", "@", ":4053", "/", "//", "..", "ms", "s", "minutes", "1e309", "-1", "999999999999999999999",
        "${a.b}", "include \"x\"", "{", "}", "[", "]", "\"", "\\u0000", "null", "true", "0x10", "NaN", "Infinity",
        "[!", "[z-a]", "**", "?", "\\", "'", "\"\"\"",
    ];

    /// <summary>Gets a generator mixing arbitrary strings with edited <paramref name="seeds"/>.</summary>
    /// <param name="seeds">Valid or nearly valid inputs of the parser under test.</param>
    /// <returns>The generator.</returns>
    public static Gen<string> Around(params string[] seeds) =>
        Gen.Frequency(
            (1, ArbMap.Default.GeneratorFor<string>().Select(text => text ?? "")),
            (1, Gen.Elements(seeds)),
            (6, Gen.Elements(seeds).SelectMany(seed => Gen.Choose(1, 6).SelectMany(edits => Edited(seed, edits)))),
            (1, Gen.ListOf(Gen.Elements(Fragments.Concat(seeds).ToArray())).Select(parts => string.Concat(parts))));

    /// <summary>Gets a generator of byte lines: UTF-8 of <see cref="Around"/>, and arbitrary bytes.</summary>
    /// <param name="seeds">Valid lines.</param>
    /// <returns>The generator.</returns>
    public static Gen<byte[]> BytesAround(params string[] seeds) =>
        Gen.Frequency(
            (3, Around(seeds).Select(Encoding.UTF8.GetBytes)),
            (1, ArbMap.Default.GeneratorFor<byte[]>().Select(bytes => bytes ?? [])));

    private static Gen<string> Edited(string seed, int edits)
    {
        var gen = Gen.Constant(seed);
        for (var i = 0; i < edits; i++)
        {
            gen = gen.SelectMany(Edit);
        }

        return gen;
    }

    private static Gen<string> Edit(string text) =>
        Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(0, text.Length).SelectMany(at => Gen.Elements(Special.ToCharArray()).SelectMany(c => Gen.Elements(Fragments).Select(fragment => kind switch
        {
            0 => text.Insert(at, c.ToString()),
            1 when at < text.Length => text.Remove(at, 1),
            2 when at < text.Length => text[..at] + c + text[(at + 1)..],
            3 => text.Insert(at, fragment),
            _ => text + c,
        }))));
}
