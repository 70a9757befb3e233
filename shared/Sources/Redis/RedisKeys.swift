/// Key names that keep one tenant's keys in one Redis Cluster slot.
public enum RedisKeys {
    /// `prefix{tenant}suffix`: the tenant is the hash tag, so every key built here for one tenant
    /// hashes to the same slot, and a Lua script or multi-key command over them stays valid on a
    /// cluster. The braces are added here, never by callers, so no key forgets them.
    public static func tenant(_ tenant: String, prefix: String, suffix: String = "") -> String {
        "\(prefix){\(tenant)}\(suffix)"
    }
}
