using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace PowerView.Api.Tests.Infrastructure.Doubles;

/// <summary>
/// The double itself, driven by the real <c>InfluxDB.Client</c> 5.1.0 without any PowerView code: it must
/// answer as docs/influxdb.md §1 says InfluxDB 2.7 does, or the sink tests would only prove that the
/// double agrees with the sink.
/// </summary>
public sealed class InfluxApiDoubleTests : IAsyncLifetime
{
    private InfluxApiDouble _influx = null!;

    public async ValueTask InitializeAsync() => _influx = await InfluxApiDouble.StartAsync();

    public async ValueTask DisposeAsync() => await _influx.DisposeAsync();

    private InfluxDBClient Client(string token = InfluxApiDouble.AllAccessToken) =>
        new(new InfluxDBClientOptions(_influx.Url.ToString()) { Token = token, Org = InfluxApiDouble.OrgName });

    [Fact]
    public async Task PingAnswersWithTheServerVersionAndNoToken()
    {
        using var client = Client(token: "no-such-token");

        Assert.True(await client.PingAsync());
        Assert.Equal(InfluxApiDouble.Version, await client.VersionAsync());
    }

    [Fact]
    public async Task OrganizationsAreFoundByNameAndAnUnknownNameIs404()
    {
        using var client = Client();
        var orgs = client.GetOrganizationsApi();

        var found = Assert.Single(await orgs.FindOrganizationsAsync(org: InfluxApiDouble.OrgName, cancellationToken: TestContext.Current.CancellationToken));
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => orgs.FindOrganizationsAsync(org: "nope", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(InfluxApiDouble.OrgId, found.Id);
        Assert.Equal("organization name \"nope\" not found", missing.Message);
    }

    [Fact]
    public async Task BucketsAreFoundByNameAndOrgCreatedOnceAndValidated()
    {
        using var client = Client();
        var buckets = client.GetBucketsApi();
        var ct = TestContext.Current.CancellationToken;

        var before = await Assert.ThrowsAsync<NotFoundException>(() => buckets.FindBucketsAsync(org: InfluxApiDouble.OrgName, name: "acme", cancellationToken: ct));
        var created = await buckets.CreateBucketAsync(new PostBucketRequest(InfluxApiDouble.OrgId, "acme", retentionRules: []), ct);
        var after = await buckets.FindBucketsAsync(org: InfluxApiDouble.OrgName, name: "acme", cancellationToken: ct);
        var duplicate = await Assert.ThrowsAsync<UnprocessableEntityException>(() => buckets.CreateBucketAsync(new PostBucketRequest(InfluxApiDouble.OrgId, "acme", retentionRules: []), ct));
        var reserved = await Assert.ThrowsAsync<BadRequestException>(() => buckets.CreateBucketAsync(new PostBucketRequest(InfluxApiDouble.OrgId, "_monitoring", retentionRules: []), ct));
        var quoted = await Assert.ThrowsAsync<BadRequestException>(() => buckets.CreateBucketAsync(new PostBucketRequest(InfluxApiDouble.OrgId, "a\"b", retentionRules: []), ct));
        var readOnly = Client(InfluxApiDouble.ReadOnlyToken);
        var refused = await Assert.ThrowsAsync<UnauthorizedException>(() => readOnly.GetBucketsApi().CreateBucketAsync(new PostBucketRequest(InfluxApiDouble.OrgId, "other", retentionRules: []), ct));
        readOnly.Dispose();

        Assert.Equal("bucket \"acme\" not found", before.Message);
        Assert.Equal(16, created.Id.Length);
        Assert.Equal(InfluxApiDouble.OrgId, created.OrgID);
        Assert.Empty(created.RetentionRules);
        Assert.Equal(created.Id, Assert.Single(after).Id);
        Assert.Equal("bucket with name acme already exists", duplicate.Message);
        Assert.Equal("conflict", duplicate.ErrorBody["code"]?.ToString());
        Assert.Contains("may not start with underscore", reserved.Message, StringComparison.Ordinal);
        Assert.Contains("quotation marks", quoted.Message, StringComparison.Ordinal);
        Assert.Contains("is unauthorized", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["acme"], _influx.BucketNames);
    }

    [Fact]
    public async Task WritesNeedATokenWithWriteAccessAnExistingBucketAndValidLines()
    {
        _influx.AddBucket("acme");
        var ct = TestContext.Current.CancellationToken;
        using var writer = Client();
        using var stranger = Client("wrong-token");
        using var reader = Client(InfluxApiDouble.ReadOnlyToken);
        const string line = "electrical,campaign=site\\ 1 M1_U1_V=231.5 1767225600";

        var noToken = await Assert.ThrowsAsync<UnauthorizedException>(() => stranger.GetWriteApiAsync().WriteRecordAsync(line, WritePrecision.S, "acme", InfluxApiDouble.OrgName, ct));
        var readOnly = await Assert.ThrowsAsync<ForbiddenException>(() => reader.GetWriteApiAsync().WriteRecordAsync(line, WritePrecision.S, "acme", InfluxApiDouble.OrgName, ct));
        var noBucket = await Assert.ThrowsAsync<NotFoundException>(() => writer.GetWriteApiAsync().WriteRecordAsync(line, WritePrecision.S, "nope", InfluxApiDouble.OrgName, ct));
        var noOrg = await Assert.ThrowsAsync<NotFoundException>(() => writer.GetWriteApiAsync().WriteRecordAsync(line, WritePrecision.S, "acme", "nope", ct));
        var badLine = await Assert.ThrowsAsync<BadRequestException>(() => writer.GetWriteApiAsync().WriteRecordsAsync([line, "electrical v=1,w"], WritePrecision.S, "acme", InfluxApiDouble.OrgName, ct));
        writer.EnableGzip();
        await writer.GetWriteApiAsync().WriteRecordAsync(line, WritePrecision.S, "acme", InfluxApiDouble.OrgName, ct);

        Assert.Equal("unauthorized access", noToken.Message);
        Assert.Equal("insufficient permissions for write", readOnly.Message);
        Assert.Equal("bucket \"nope\" not found", noBucket.Message);
        Assert.Equal("organization name \"nope\" not found", noOrg.Message);
        Assert.Equal("unable to parse 'electrical v=1,w': invalid field format", badLine.Message);
        var stored = Assert.Single(_influx.Writes);
        Assert.Equal(("acme", "s", "gzip"), (stored.Bucket, stored.Precision, stored.ContentEncoding));
        var point = Assert.Single(stored.Lines);
        Assert.Equal("site 1", point.Tags["campaign"]);
        Assert.Equal(231.5, point.Fields["M1_U1_V"]);
        Assert.Equal(1767225600, point.Timestamp);
    }

    [Fact]
    public async Task ScriptedFaultsReachTheClientAsInfluxDbWouldSendThem()
    {
        _influx.AddBucket("acme");
        _influx.FailNextWrites(new WriteFault.Status(503, RetryAfterSeconds: 7), new WriteFault.Status(429, RetryAfterSeconds: 1), new WriteFault.Drop());
        using var client = Client();
        var write = client.GetWriteApiAsync();
        Task Write() => write.WriteRecordAsync("m v=1 1", WritePrecision.S, "acme", InfluxApiDouble.OrgName, TestContext.Current.CancellationToken);

        var unavailable = await Assert.ThrowsAsync<ServiceUnavailableException>(Write);
        var tooMany = await Assert.ThrowsAsync<TooManyRequestsException>(Write);
        var dropped = await Assert.ThrowsAsync<HttpException>(Write);
        await Write();

        Assert.Equal(7, unavailable.RetryAfter);
        Assert.Equal(1, tooMany.RetryAfter);
        Assert.Equal(0, dropped.Status);
        Assert.Single(_influx.Writes);
    }
}
