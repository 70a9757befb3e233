extension Duration {
    /// In seconds, for metrics and reports.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
