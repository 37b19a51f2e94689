namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// Base of the tests that talk to a real server: when a test fails, the server's recent log is added
/// to the test output, because the cause is often on the server's side (a parse error, a refused flag).
/// </summary>
public abstract class RealServerTest(params ServerProcess[] servers) : IDisposable
{
    protected static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    public void Dispose()
    {
        // xunit sets the test's result before the test class is disposed.
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            foreach (var server in servers.Where(s => s.MissingReason is null))
            {
                Output(server.RecentLog());
            }
        }

        GC.SuppressFinalize(this);
    }
}
