import Foundation

/// The OpenAPI 3.1 document of what every service serves on its public port: `/health/live`,
/// `/health/ready` and `/openapi.json` itself, with the platform's error and health shapes.
/// A service with no API of its own yet publishes this one (`OpenAPIController(platformEndpointsOf:)`);
/// a service with an API keeps a document of its own in its resources, stating the same three.
public enum PlatformOpenAPIDocument {
    /// The document of `service`; `purpose` says what the service is for. It names no server, so
    /// its paths are relative to where it is served.
    public static func json(service: String, purpose: String) throws -> Data {
        let health: [String: Any] = ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/HealthReport"]]]]
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "GameMetrics Pro \(service) service",
                "version": "0.1.0",
                "description": purpose + " So far it serves only the platform endpoints every service has. "
                    + "A method a path does not declare answers 405 with an Allow header; errors use the "
                    + "platform shape {\"error\":{\"code\",\"message\",\"details\"}}.",
            ],
            "paths": [
                "/health/live": [
                    "get": [
                        "summary": "Liveness: 200 while the process serves HTTP",
                        "responses": ["200": health.merging(["description": "Live"]) { $1 }],
                    ]
                ],
                "/health/ready": [
                    "get": [
                        "summary": "Readiness: 200 while every dependency answers within 2 s and the service is not draining",
                        "responses": [
                            "200": health.merging(["description": "Ready"]) { $1 },
                            "503": health.merging(["description": "A dependency did not answer (named in checks), or draining after SIGTERM"]) { $1 },
                        ],
                    ]
                ],
                "/openapi.json": [
                    "get": [
                        "summary": "This document",
                        "responses": [
                            "200": [
                                "description": "OpenAPI 3.1",
                                "content": ["application/json": ["schema": ["type": "object"]]],
                            ]
                        ],
                    ]
                ],
            ],
            "components": [
                "schemas": [
                    "HealthReport": [
                        "type": "object",
                        "required": ["status", "checks"],
                        "additionalProperties": false,
                        "properties": [
                            "status": ["type": "string", "enum": ["live", "ready", "not_ready", "draining"]],
                            "checks": [
                                "type": "object",
                                "additionalProperties": ["type": "string"],
                                "description": "Per dependency: \"ok\" or \"error: ...\".",
                            ],
                        ],
                    ]
                ]
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}
