using System.Security.Cryptography;
using System.Text;

namespace PowerView.Api.Provisioning;

/// <summary>Secrets the provisioner makes: from the operating system's CSPRNG, never logged.</summary>
internal static class Secrets
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>A Grafana password of 20 characters from a 57-letter alphabet (about 116 bits).</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>A company monitoring key: <c>pvc_</c> and 32 random bytes, base64url.</summary>
    public static string NewCompanyKey() =>
        "pvc_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The hash the key store keeps, the same SHA-256 the API's key handler compares.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
