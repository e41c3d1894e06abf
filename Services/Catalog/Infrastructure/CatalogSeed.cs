namespace Platform.Catalog.Infrastructure;

/// <summary>
/// The deterministic starting catalog: the same 100,000 products (names, prices, stock) on every machine, from a
/// fixed-seed generator, written with one binary COPY per table.
/// </summary>
internal static class CatalogSeed
{
    public const int ProductCount = 100_000;
    public const int BrandCount = 50;
    public const int CategoryCount = 20;
    private const int RandomSeed = 20_261_123;

    private static readonly string[] Adjectives = ["Classic", "Ultra", "Compact", "Smart", "Rugged", "Silent", "Vintage", "Pro", "Eco", "Deluxe", "Urban", "Alpine", "Coastal", "Midnight", "Solar", "Swift"];
    private static readonly string[] Materials = ["Cotton", "Leather", "Steel", "Bamboo", "Ceramic", "Wool", "Carbon", "Oak", "Glass", "Linen", "Titanium", "Denim"];
    private static readonly string[] Nouns = ["Backpack", "Jacket", "Kettle", "Headphones", "Lamp", "Sneakers", "Watch", "Mug", "Blender", "Notebook", "Tent", "Bottle", "Chair", "Scarf", "Speaker", "Wallet", "Keyboard", "Umbrella", "Pan", "Helmet"];
    private static readonly string[] Categories = ["Bags", "Outerwear", "Kitchen", "Audio", "Lighting", "Footwear", "Watches", "Tableware", "Appliances", "Stationery", "Camping", "Drinkware", "Furniture", "Accessories", "Speakers", "Leather Goods", "Computing", "Rainwear", "Cookware", "Cycling"];
    private static readonly string[] BrandStems = ["Nord", "Aster", "Kova", "Lumen", "Brio", "Tessa", "Orla", "Vanta", "Pike", "Halo"];
    private static readonly string[] BrandSuffixes = ["Works", "Co", "Labs", "& Sons", "Supply"];

    public static string BrandName(int id) => $"{BrandStems[(id - 1) % BrandStems.Length]} {BrandSuffixes[(id - 1) / BrandStems.Length % BrandSuffixes.Length]}";

    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var brands = await connection.BeginBinaryImportAsync("COPY catalog_brands (id, name) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var id = 1; id <= BrandCount; id++)
            {
                await brands.WriteRowAsync(cancellationToken, id, BrandName(id));
            }

            await brands.CompleteAsync(cancellationToken);
        }

        await using (var categories = await connection.BeginBinaryImportAsync("COPY catalog_categories (id, name) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var id = 1; id <= CategoryCount; id++)
            {
                await categories.WriteRowAsync(cancellationToken, id, Categories[id - 1]);
            }

            await categories.CompleteAsync(cancellationToken);
        }

        await using (var items = await connection.BeginBinaryImportAsync(
            "COPY catalog_items (id, name, description, price, brand_id, category_id, available_stock) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var product in Products())
            {
                await items.StartRowAsync(cancellationToken);
                await items.WriteAsync(product.Id, NpgsqlDbType.Integer, cancellationToken);
                await items.WriteAsync(product.Name, NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(product.Description, NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(product.Price, NpgsqlDbType.Numeric, cancellationToken);
                await items.WriteAsync(product.BrandId, NpgsqlDbType.Integer, cancellationToken);
                await items.WriteAsync(product.CategoryId, NpgsqlDbType.Integer, cancellationToken);
                await items.WriteAsync(product.AvailableStock, NpgsqlDbType.Integer, cancellationToken);
            }

            await items.CompleteAsync(cancellationToken);
        }

        // explicit ids bypassed the identity: new products continue after the seed
        await using var sequence = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('catalog_items', 'id'), (SELECT max(id) FROM catalog_items))", connection);
        await sequence.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The seed products, always the same sequence.</summary>
    internal static IEnumerable<SeedProduct> Products()
    {
        var random = new Random(RandomSeed);
        for (var id = 1; id <= ProductCount; id++)
        {
            var nounIndex = random.Next(Nouns.Length);
            var name = $"{Adjectives[random.Next(Adjectives.Length)]} {Materials[random.Next(Materials.Length)]} {Nouns[nounIndex]} {id}";
            yield return new SeedProduct(
                id,
                name,
                $"{name}: a dependable everyday {Nouns[nounIndex].ToLowerInvariant()}.",
                1m + (random.Next(0, 50_000) / 100m),
                1 + random.Next(BrandCount),
                1 + (nounIndex % CategoryCount),
                random.Next(0, 1_000));
        }
    }
}

internal sealed record SeedProduct(int Id, string Name, string Description, decimal Price, int BrandId, int CategoryId, int AvailableStock);
