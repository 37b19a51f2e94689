namespace PowerView.Api.Configuration;

/// <summary>A start-up check of the service itself refused to go on (a state folder it cannot write, say): the message says what to fix.</summary>
internal sealed class StartupRefusedException(string message, Exception? inner = null) : Exception(message, inner);
