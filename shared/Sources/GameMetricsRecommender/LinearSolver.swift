/// How ALS solves each row's normal equations (YᵀY + Yᵀ(Cᵤ − I)Y + λI) xᵤ = YᵀCᵤpᵤ.
public enum LinearSolver: String, Sendable, Hashable, Codable {
    /// A few conjugate-gradient steps from the row's previous factors (Takács, Pilászy, Tikk 2011):
    /// O(f² + nᵤ·f) per step instead of building the f×f matrix, O(nᵤ·f²), and factoring it.
    case conjugateGradient
    /// The exact solve: builds the matrix and factors it (Cholesky).
    case cholesky
}
