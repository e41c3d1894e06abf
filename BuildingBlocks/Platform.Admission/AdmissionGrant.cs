namespace Platform.Admission;

/// <summary>What a valid admission token grants: one order by <paramref name="BuyerId"/> in <paramref name="SaleId"/>.
/// (Not named <c>Admission</c>: a type named like its namespace is shadowed by it everywhere under <c>Platform</c>.)</summary>
public sealed record AdmissionGrant(string SaleId, string BuyerId, string Id);
