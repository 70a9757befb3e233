import Foundation

/// pgvector's text form, `[0.1,-2,...]`, both ways: vectors travel as text parameters cast
/// with `::vector`, which needs no binary codec of our own.
enum VectorText {
    static func format(_ vector: [Float]) -> String {
        var text = "["
        text.reserveCapacity(vector.count * 12)
        for (index, value) in vector.enumerated() {
            if index > 0 { text += "," }
            text += value.isFinite ? "\(value)" : "0"
        }
        return text + "]"
    }

    static func parse(_ text: String) -> [Float]? {
        guard text.first == "[", text.last == "]" else { return nil }
        var values: [Float] = []
        for piece in text.dropFirst().dropLast().split(separator: ",") {
            guard let value = Float(piece.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        return values
    }
}
