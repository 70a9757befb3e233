/// The inner loops of ALS, fold-in and scoring over raw pointers: indices with wrapping
/// arithmetic, dot products eight lanes at a time (Float reductions are not vectorised by the
/// compiler, which keeps their order).
enum Kernels {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        while index &+ 8 <= count {
            let left = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
            let right = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            lanes += left * right
            index &+= 8
        }
        var sum = lanes.sum()
        while index < count {
            sum += a[index] * b[index]
            index &+= 1
        }
        return sum
    }

    /// y += a·x
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        var index = 0
        while index < count {
            y[index] += a * x[index]
            index &+= 1
        }
    }

    /// Contiguous ranges that split `0..<count` into at most `parts` pieces of nearly equal size.
    static func ranges(_ count: Int, parts: Int) -> [Range<Int>] {
        let pieces = max(1, min(count, parts))
        return (0..<pieces).map { piece in (count * piece / pieces)..<(count * (piece + 1) / pieces) }
    }

    /// λI, f×f.
    static func identity(_ f: Int, scaledBy scale: Float) -> [Float] {
        var result = [Float](repeating: 0, count: f * f)
        for diagonal in 0..<f { result[diagonal * f + diagonal] = scale }
        return result
    }

    /// YᵀY + λI (f×f, both triangles) over `rows` vectors of `f` floats, summed in parallel.
    static func gramian(_ vectors: UnsafePointer<Float>, rows: Int, factors f: Int, regularization: Float) -> [Float] {
        let chunks = ranges(rows, parts: 64)
        var partials = [Float](repeating: 0, count: chunks.count * f * f)
        partials.withUnsafeMutableBufferPointer { partial in
            let base = partial.baseAddress!
            Parallel.forEach(chunks.count) { chunk in
                let sum = base + chunk &* f &* f
                for row in chunks[chunk] {
                    let vector = vectors + row &* f
                    for column in 0..<f { axpy(vector[column], vector, sum + column &* f, f) }
                }
            }
        }
        var result = [Float](repeating: 0, count: f * f)
        for chunk in 0..<chunks.count {
            for index in 0..<(f * f) { result[index] += partials[chunk * f * f + index] }
        }
        for diagonal in 0..<f { result[diagonal * f + diagonal] += regularization }
        return result
    }

    /// Copies the `entries` rows of `others` named by `indices` into `gathered`, one after the
    /// other: the solvers then read them several times from contiguous memory instead of from all
    /// over a large matrix (a popular game's players are spread over 128 MB at a million players).
    @inline(__always)
    static func gather(
        _ others: UnsafePointer<Float>, indices: UnsafePointer<Int32>, entries: Int, factors f: Int,
        into gathered: UnsafeMutablePointer<Float>
    ) {
        for entry in 0..<entries {
            (gathered + entry &* f).update(from: others + Int(indices[entry]) &* f, count: f)
        }
    }

    /// Conjugate-gradient steps on one row's normal equations, from the row's current factors `x`:
    /// A = G + Σᵢ (cᵢ − 1) yᵢyᵢᵀ, b = Σᵢ cᵢ yᵢ over the row's entries, whose vectors yᵢ are
    /// `vectors` (gathered, entries × f; G already holds λI). `scratch` holds 3f floats.
    static func conjugateGradient(
        x: UnsafeMutablePointer<Float>, gramian: UnsafePointer<Float>, vectors: UnsafePointer<Float>,
        confidences: UnsafePointer<Float>, entries: Int, factors f: Int,
        steps: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let residual = scratch
        let direction = scratch + f
        let product = scratch + 2 &* f
        // r = b − A·x = −G·x + Σ (c − (c − 1)·yᵢ·x) yᵢ
        for row in 0..<f { residual[row] = -dot(gramian + row &* f, x, f) }
        for entry in 0..<entries {
            let vector = vectors + entry &* f
            let confidence = confidences[entry]
            axpy(confidence - (confidence - 1) * dot(vector, x, f), vector, residual, f)
        }
        direction.update(from: residual, count: f)
        var residualNorm = dot(residual, residual, f)
        for _ in 0..<steps {
            if residualNorm < 1e-20 { break }
            for row in 0..<f { product[row] = dot(gramian + row &* f, direction, f) }
            for entry in 0..<entries {
                let vector = vectors + entry &* f
                axpy((confidences[entry] - 1) * dot(vector, direction, f), vector, product, f)
            }
            let curvature = dot(direction, product, f)
            if curvature <= 0 { break }
            let step = residualNorm / curvature
            axpy(step, direction, x, f)
            axpy(-step, product, residual, f)
            let nextNorm = dot(residual, residual, f)
            let ratio = nextNorm / residualNorm
            for index in 0..<f { direction[index] = residual[index] + ratio * direction[index] }
            residualNorm = nextNorm
        }
    }

    /// The exact solve of one row's normal equations (same A, b and `vectors` as `conjugateGradient`) by
    /// Cholesky factorisation. `scratch` holds f² + f floats. Returns false if A is not positive
    /// definite (only possible with λ = 0), leaving `x` unchanged.
    @discardableResult
    static func cholesky(
        x: UnsafeMutablePointer<Float>, gramian: UnsafePointer<Float>, vectors: UnsafePointer<Float>,
        confidences: UnsafePointer<Float>, entries: Int, factors f: Int,
        scratch: UnsafeMutablePointer<Float>
    ) -> Bool {
        let matrix = scratch
        let solution = scratch + f &* f
        matrix.update(from: gramian, count: f &* f)
        solution.initialize(repeating: 0, count: f)
        for entry in 0..<entries {
            let vector = vectors + entry &* f
            let confidence = confidences[entry]
            axpy(confidence, vector, solution, f)
            let weight = confidence - 1
            for row in 0..<f { axpy(weight * vector[row], vector, matrix + row &* f, f) }
        }
        // In place: the lower triangle becomes L with A = L·Lᵀ.
        for column in 0..<f {
            let rowStart = matrix + column &* f
            var diagonal = rowStart[column] - dot(rowStart, rowStart, column)
            if !(diagonal > 0) { return false }
            diagonal = diagonal.squareRoot()
            rowStart[column] = diagonal
            for row in (column &+ 1)..<f {
                let other = matrix + row &* f
                other[column] = (other[column] - dot(other, rowStart, column)) / diagonal
            }
        }
        // L·z = b, then Lᵀ·x = z.
        for row in 0..<f {
            let rowStart = matrix + row &* f
            solution[row] = (solution[row] - dot(rowStart, solution, row)) / rowStart[row]
        }
        var row = f &- 1
        while row >= 0 {
            var sum = solution[row]
            for later in (row &+ 1)..<f { sum -= matrix[later &* f &+ row] * solution[later] }
            solution[row] = sum / matrix[row &* f &+ row]
            row &-= 1
        }
        x.update(from: solution, count: f)
        return true
    }
}
