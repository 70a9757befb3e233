/// What every model's vectors look like: the width is part of the schema (`vector(32)` columns),
/// so training with another one needs a migration.
enum ModelShape {
    static let factors = 32
}
