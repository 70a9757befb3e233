/// Appending found no sequence value or time to chain onto (PostgreSQL returned no row).
public enum AuditLogError: Error {
    case noTail
}
