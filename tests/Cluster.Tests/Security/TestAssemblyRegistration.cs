using System.Runtime.CompilerServices;
using Cluster.Contracts.Serialization;

namespace Cluster.Tests.Security;

/// <summary>Registers the tests' own payload types, which cross between the nodes of multi-node tests, as a team registers its library.</summary>
internal static class TestAssemblyRegistration
{
    [ModuleInitializer]
    internal static void Register() => SerializationAllowList.Register(typeof(TestAssemblyRegistration).Assembly);
}
