using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>The engine's local → UTC conversion on its own: long runs of rows, and what it costs per row.</summary>
public sealed class DeviceClockTests
{
    [Theory]
    [InlineData("Europe/Paris")]
    [InlineData("America/New_York")]
    [InlineData("Australia/Lord_Howe")] // a half-hour change, and in the southern hemisphere
    public void ThreeYearsOfTenMinuteRowsFromAClockThatFollowsTheZoneGiveBackEveryInstant(string zoneId)
    {
        // The wall times a logger shows, from .NET's TimeZoneInfo on the host's tzdata (the engine uses NodaTime's TZDB).
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var clock = DeviceClock.For(FileMetadata.None, IngestorHarness.Clock(zoneId), []);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var instant = start; instant < start.AddYears(3); instant = instant.AddMinutes(10))
        {
            var wall = TimeZoneInfo.ConvertTime(instant, zone).DateTime;

            var epoch = clock.ToEpochSeconds(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified));

            if (epoch != instant.ToUnixTimeSeconds())
            {
                Assert.Fail($"{zoneId}: {wall:yyyy-MM-dd HH:mm} (shown at {instant:u}) read as {DateTimeOffset.FromUnixTimeSeconds(epoch):u}");
            }
        }
    }

    [Fact]
    public void RowsInsideOneZoneIntervalAllocateNothing()
    {
        var clock = DeviceClock.For(FileMetadata.None, IngestorHarness.Paris, []);
        var wall = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Unspecified);
        clock.ToEpochSeconds(wall);
        long sum = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            sum += clock.ToEpochSeconds(wall.AddMinutes(i));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sum);
    }
}
