namespace Platform.Gateway.WaitingRoom;

/// <summary>A buyer's admission record ("state|expires|idempotency key|admitted at", see <see cref="WaitingRoomScripts"/>).</summary>
internal readonly record struct AdmissionRecord(char State, long ExpiresMs, long AdmittedAtMs)
{
    public static AdmissionRecord? Parse(string? text)
    {
        var parts = text?.Split('|');
        return parts is { Length: 4 } && parts[0].Length == 1 && long.TryParse(parts[1], out var expires)
            ? new AdmissionRecord(parts[0][0], expires, long.TryParse(parts[3], out var at) ? at : 0)
            : null;
    }

    /// <summary>Admitted and (as far as this replica knows) still usable: admitted, or claimed by an order in flight.</summary>
    public bool IsAdmission => State is 'A' or 'C' or 'O';
}
