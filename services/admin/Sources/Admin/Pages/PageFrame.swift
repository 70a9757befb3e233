/// The parts of every page around its content: title, navigation, who is signed in, and the
/// form token the logout button (and every form) posts.
struct PageFrame: Sendable {
    struct NavigationItem: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    let title: String
    let navigation: [NavigationItem]
    let tenant: String?
    let roles: String?
    let csrfToken: String?
    /// The page's own script, under /static/ (nil: none).
    let script: String?

    /// The console's sections.
    static func signedIn(_ session: ConsoleSession, title: String, current: String, script: String? = nil) -> PageFrame {
        var sections = [("/overview", "Overview"), ("/games", "Games"), ("/players", "Players"), ("/pipeline", "Pipeline health")]
        if session.isAdmin { sections.append(("/settings", "Settings")) }
        return PageFrame(
            title: title, navigation: sections.map { NavigationItem(href: $0.0, label: $0.1, current: $0.0 == current) },
            tenant: session.tenantID, roles: session.roles.sorted().joined(separator: ", "),
            csrfToken: session.csrfToken, script: script)
    }

    static func signedOut(title: String) -> PageFrame {
        PageFrame(
            title: title, navigation: [NavigationItem(href: "/login", label: "Log in", current: false)], tenant: nil, roles: nil,
            csrfToken: nil, script: nil)
    }
}
