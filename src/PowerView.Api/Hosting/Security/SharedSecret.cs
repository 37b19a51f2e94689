using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace PowerView.Api.Hosting.Security;

/// <summary>
/// Shared secrets presented in the <c>Authorization</c> header: <c>Bearer &lt;secret&gt;</c>, or HTTP Basic
/// with the secret as password (any user name), which is all SFTPGo's legacy hook can send (URL user-info).
/// </summary>
internal static class SharedSecret
{
    /// <summary>The token of a Bearer header or the password of a Basic header; null otherwise.</summary>
    public static string? FromAuthorization(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is null)
        {
            return null;
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter;
        }

        if (!value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[Math.Min(value.Parameter.Length, 1024)];
        if (!Convert.TryFromBase64String(value.Parameter, decoded, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(decoded[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..];
    }

    /// <summary>
    /// Constant-time comparison. Both sides are hashed first so that neither the content nor the length of the
    /// expected secret leaks through timing. An empty expected secret matches nothing.
    /// </summary>
    public static bool Matches(string? presented, string expected)
    {
        if (presented is null || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
