using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Catalog.Apis;

namespace Platform.Catalog.Tests;

public sealed class UnitTests
{
    [Fact]
    public void The_seed_is_deterministic_and_well_formed()
    {
        var first = CatalogSeed.Products().Take(1_000).ToList();
        Assert.Equal(first, CatalogSeed.Products().Take(1_000));
        Assert.Equal(Enumerable.Range(1, 1_000), first.Select(p => p.Id));
        Assert.All(first, p =>
        {
            Assert.InRange(p.Price, 1m, 501m);
            Assert.Equal(decimal.Round(p.Price, 2), p.Price);
            Assert.InRange(p.BrandId, 1, CatalogSeed.BrandCount);
            Assert.InRange(p.CategoryId, 1, CatalogSeed.CategoryCount);
            Assert.EndsWith($" {p.Id}", p.Name, StringComparison.Ordinal);
        });
        Assert.Equal(CatalogSeed.ProductCount, CatalogSeed.Products().Count());
    }

    [Theory]
    [InlineData("\"v12\"", 12L)]
    [InlineData("W/\"v7\"", 7L)]
    [InlineData("\"12\"", null)]
    [InlineData("v12", null)]
    [InlineData("\"vx\"", null)]
    [InlineData("*", null)]
    public void ETag_versions_are_parsed_strictly(string tag, long? expected) => Assert.Equal(expected, HttpValidation.ParseETagVersion(tag));

    [Theory]
    [InlineData("\"v3\"", true)]
    [InlineData("\"v1\", \"v3\"", true)]
    [InlineData("W/\"v3\"", true)]
    [InlineData("*", true)]
    [InlineData("\"v4\"", false)]
    [InlineData("", false)]
    public void If_None_Match_lists_are_matched(string header, bool matches) => Assert.Equal(matches, HttpValidation.MatchesAny(header, "\"v3\""));

    [Theory]
    [InlineData("1", true)]
    [InlineData("2147483647", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("+1", false)]
    [InlineData(" 1", false)]
    [InlineData("2147483648", false)]
    [InlineData("1e3", false)]
    public void Ids_are_positive_plain_integers(string text, bool valid) => Assert.Equal(valid, HttpValidation.TryParseId(text, out _));

    [Fact]
    public void Like_wildcards_in_search_text_are_escaped() =>
        Assert.Equal("50\\% off\\_now\\\\", CatalogRepository.EscapeLike("50% off_now\\"));

    [Fact]
    public void A_write_invalidates_the_listings_before_and_after_a_move()
    {
        var before = new CatalogItem(1, "a", "", 1m, BrandId: 2, "b", CategoryId: 3, "c", 1, 1);
        var after = before with { BrandId = 4, CategoryId = 5 };
        Assert.Equal(
            ["catalog:list:all", "catalog:list:brand:2", "catalog:list:brand:4", "catalog:list:category:3", "catalog:list:category:5"],
            CatalogCacheKeys.TagsAffectedBy(before, after).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Item_validation_names_each_bad_field()
    {
        var errors = HttpValidation.ValidateItem(new CatalogItemRequest("", new string('x', 2001), 0m, null, -1, -5));
        Assert.Equal(["availableStock", "brandId", "categoryId", "description", "name", "price"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(HttpValidation.ValidateItem(new CatalogItemRequest("Lamp", null, 9.99m, 1, 1, null)));
        // an update replaces the item: what it leaves out is refused, not erased
        Assert.Equal(["availableStock", "description"], HttpValidation.ValidateItem(new CatalogItemRequest("Lamp", null, 9.99m, 1, 1, null), replacing: true).Keys.Order(StringComparer.Ordinal));
        Assert.Empty(HttpValidation.ValidateItem(new CatalogItemRequest("Lamp", "", 9.99m, 1, 1, 0), replacing: true));
    }
}

public sealed class LoggingConfigurationTests
{
    [Fact]
    public void The_cache_library_logs_warnings_but_not_every_lookup()
    {
        // FusionCache logs each call and return at Information: on the hot path that was 500 MB of console output a
        // minute and a third of an L1 read's throughput, so the catalog's own settings keep it at Warning.
        var settings = new ConfigurationBuilder().AddJsonFile(CatalogAppSettings(), optional: false).Build();
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddConfiguration(settings.GetSection("Logging")).AddConsole())
            .BuildServiceProvider();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ZiggyCreatures.Caching.Fusion.FusionCache");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    private static string CatalogAppSettings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "Services", "Catalog", "appsettings.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("Services/Catalog/appsettings.json not found above " + AppContext.BaseDirectory);
    }
}
