using System.Runtime.CompilerServices;
using Cluster.Contracts.Serialization;

namespace Cluster.Bench.Support;

/// <summary>Registers the benchmarks' payload types, which cross between nodes, as a team registers its library.</summary>
internal static class SerializationRegistration
{
    [ModuleInitializer]
    internal static void Register() => SerializationAllowList.Register(typeof(SerializationRegistration).Assembly);
}
