extension Duration {
    /// A `statement_timeout` setting: whole milliseconds, at least 1 (0 would mean no limit).
    var statementTimeoutSetting: String {
        String(max(1, components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000))
    }
}
