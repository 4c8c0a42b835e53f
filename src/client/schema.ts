// Generated from the server's OpenAPI document by `npm run client:generate`. Do not edit.
export interface paths {
    "/api/v1/inference/{modelId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a deployed model on images (multipart or base64 JSON) or tensors; `output=raw&encoding=binary` answers raw tensors as bytes; see docs/api/serving.md */
        post: operations["InferenceController_infer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List models (?status, ?engine, ?search, ?limit, ?offset) */
        get: operations["ModelsController_list"];
        put?: never;
        /** Upload a model (streamed), validate it; 201 with status validated|invalid */
        post: operations["ModelsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A model with its versions, deployment settings and status */
        get: operations["ModelsController_get"];
        put?: never;
        post?: never;
        /** Delete a model and its files (?force=true undeploys first) */
        delete: operations["ModelsController_remove"];
        options?: never;
        head?: never;
        /** Rename, describe, or change the config of the active version (applied live when deployed) */
        patch: operations["ModelsController_update"];
        trace?: never;
    };
    "/api/v1/internal/models/{id}/deploy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Load, warm up and route traffic to the active version (optional batching/queue/instances overrides) */
        post: operations["ModelsController_deploy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a deployed model from the console (same body, options and response as the external inference route) */
        post: operations["InternalInferenceController_infer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-model request counts, error codes, latency percentiles, batch sizes and queue depth since start-up */
        get: operations["ModelStatsController_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/undeploy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Drain requests and free the instances of the model */
        post: operations["ModelsController_undeploy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/unload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unload an idle on-demand model (it stays deployed; its next request loads it again). 409 MODEL_PINNED or MODEL_BUSY */
        post: operations["ModelsController_unload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-run engine validation of the active version */
        post: operations["ModelsController_validate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload and validate a new version (not activated) */
        post: operations["ModelsController_addVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/{id}/versions/{version}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Activate a version: hot swap when deployed (rollback = an earlier version) */
        post: operations["ModelsController_activate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/models/sample": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add the sample model the platform ships (a COCO object detector), validated and configured; 409 MODEL_NAME_TAKEN when it is already there */
        post: operations["ModelsController_addSample"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/system/engines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Inference engines found at boot, with availability, backend and devices */
        get: operations["EnginesController_engines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/system/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Version, uptime, engines, model and token counts, and hardware */
        get: operations["SystemController_info"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/system/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CPU, memory and GPU samples from the last 24 hours (in memory) */
        get: operations["SystemController_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/system/replicas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The replicas of this deployment with a fresh heartbeat, and the models each serves */
        get: operations["SystemController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List access tokens, newest first */
        get: operations["TokensController_list"];
        put?: never;
        /** Issue an access token; the secret is shown only in this response */
        post: operations["TokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One access token with its status and this month’s usage */
        get: operations["TokensController_get"];
        put?: never;
        post?: never;
        /** Revoke a token permanently (the record stays) */
        delete: operations["TokensController_revoke"];
        options?: never;
        head?: never;
        /** Change name, description, limits, allow-lists or expiry */
        patch: operations["TokensController_update"];
        trace?: never;
    };
    "/api/v1/internal/tokens/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable a token (reversible) */
        post: operations["TokensController_disable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/tokens/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-enable a disabled token (409 TOKEN_REVOKED for a revoked one) */
        post: operations["TokensController_enable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/tokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a new secret; the old one stops working at once */
        post: operations["TokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_list"];
        put?: never;
        post: operations["UsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/internal/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_get"];
        put?: never;
        post?: never;
        delete: operations["UsersController_delete"];
        options?: never;
        head?: never;
        patch: operations["UsersController_update"];
        trace?: never;
    };
    "/api/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deployed models this access token may use */
        get: operations["ExternalModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public description of one deployed model, by id or name */
        get: operations["ExternalModelsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>; open without a token only on a loopback host) */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server metadata: name, version and the extensions implemented */
        get: operations["OipController_server"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness (public) */
        get: operations["OipController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness (public): 503 until start-up work is done and while shutting down */
        get: operations["OipController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model metadata: platform, versions, inputs and outputs (-1 for dynamic dimensions) */
        get: operations["OipController_metadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Inference: JSON tensors, or JSON followed by binary tensors (application/octet-stream with Inference-Header-Content-Length) */
        post: operations["OipController_infer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model readiness: 200 ready, 503 not deployed or draining */
        get: operations["OipController_modelReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statistics of one model */
        get: operations["OipStatsController_one"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model metadata for the version being served (404 for any other version) */
        get: operations["OipController_versionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Inference pinned to a version; it must be the version being served */
        post: operations["OipController_inferVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness of a specific version */
        get: operations["OipController_versionReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statistics of the version being served */
        get: operations["OipStatsController_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statistics of every deployed model the access token may use */
        get: operations["OipStatsController_all"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/index": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Every model with its state (READY, LOADING, UNAVAILABLE); {"ready": true} lists only served ones */
        post: operations["OipRepositoryController_index"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{id}/load": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deploy the model (its active version); succeeds when it is already served */
        post: operations["OipRepositoryController_load"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{id}/unload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Undeploy the model; succeeds when it is not served */
        post: operations["OipRepositoryController_unload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    InferenceController_infer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                modelId: string;
            };
            cookie?: never;
        };
        /** @description JSON: exactly one of image / images / inputs, plus options. Multipart: `image` file parts plus option fields. */
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    encoding?: "json" | "binary";
                    image?: string;
                    images?: string[];
                    inputs?: {
                        [key: string]: {
                            data: unknown;
                            dtype?: unknown;
                            shape: unknown;
                        };
                    };
                    iouThreshold?: number;
                    /** @enum {string} */
                    output?: "raw";
                    priority?: number;
                    scoreThreshold?: number;
                    timeoutMs?: number;
                    topK?: number;
                };
                "multipart/form-data": {
                    /** @enum {string} */
                    encoding?: "json" | "binary";
                    image?: string;
                    images?: string[];
                    inputs?: {
                        [key: string]: {
                            data: unknown;
                            dtype?: unknown;
                            shape: unknown;
                        };
                    };
                    iouThreshold?: number;
                    /** @enum {string} */
                    output?: "raw";
                    priority?: number;
                    scoreThreshold?: number;
                    timeoutMs?: number;
                    topK?: number;
                };
            };
        };
        responses: {
            /** @description Predictions, detections or raw outputs per image, with the timing breakdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        modelId: string;
                        requestId: string;
                        results: ({
                            predictions: {
                                index: number;
                                label: string;
                                score: number;
                            }[];
                        } | {
                            detections: {
                                /** @description In the original image's pixels */
                                box: {
                                    height: number;
                                    width: number;
                                    x: number;
                                    y: number;
                                };
                                index: number;
                                label: string;
                                score: number;
                            }[];
                        } | {
                            outputs: {
                                [key: string]: {
                                    data: (number | string | boolean)[];
                                    dtype: string;
                                    shape: number[];
                                };
                            };
                        })[];
                        timing: {
                            inferenceMs: number;
                            postprocessMs: number;
                            preprocessMs: number;
                            queueMs: number;
                            totalMs: number;
                        };
                        version: number;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                /** @description Exact action name, e.g. user.create */
                action?: unknown;
                /** @description Exact actor username */
                actor?: unknown;
                /** @description Entries at or after this ISO 8601 moment */
                from?: unknown;
                limit?: number;
                offset?: number;
                outcome?: "success" | "failure";
                /** @description Entries before this ISO 8601 moment */
                to?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Audit entries, newest first: {items, total} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            action: string;
                            actorId: string | null;
                            actorUsername: string | null;
                            createdAt: string;
                            details: unknown | null;
                            id: number;
                            ip: string | null;
                            /** @enum {string} */
                            outcome: "success" | "failure";
                            requestId: string | null;
                            target: string | null;
                        }[];
                        total: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    refreshCookie?: boolean;
                    username: string;
                };
            };
        };
        responses: {
            /** @description A session; with refreshCookie: true the refresh token is set as an HttpOnly cookie instead of returned */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description JWT for X-Auth-Token */
                        accessToken: string;
                        /** @description Lifetime of accessToken in seconds */
                        expiresIn: number;
                        /** @description Absent when the login asked for the HttpOnly refresh cookie instead */
                        refreshToken?: string;
                        user: {
                            id: string;
                            /** @description true while a generated password must be changed before anything else */
                            passwordChangeRequired?: boolean;
                            /** @enum {string} */
                            role: "admin" | "operator" | "viewer";
                            username: string;
                        };
                    };
                };
            };
            /** @description INVALID_CREDENTIALS */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description TOO_MANY_LOGIN_ATTEMPTS (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refreshToken?: string;
                };
            };
        };
        responses: {
            /** @description Ends the given refresh token's login, or without one every login of the caller (its access tokens too); clears the refresh cookie */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description true while a generated password must be changed before anything else */
                        passwordChangeRequired?: boolean;
                        /** @enum {string} */
                        role: "admin" | "operator" | "viewer";
                        username: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                    refreshCookie?: boolean;
                };
            };
        };
        responses: {
            /** @description Password changed; every earlier access and refresh token of the caller is void, and a fresh session is returned (in cookie mode when the caller signed in with one) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description JWT for X-Auth-Token */
                        accessToken: string;
                        /** @description Lifetime of accessToken in seconds */
                        expiresIn: number;
                        /** @description Absent when the login asked for the HttpOnly refresh cookie instead */
                        refreshToken?: string;
                        user: {
                            id: string;
                            /** @description true while a generated password must be changed before anything else */
                            passwordChangeRequired?: boolean;
                            /** @enum {string} */
                            role: "admin" | "operator" | "viewer";
                            username: string;
                        };
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refreshToken?: string;
                };
            };
        };
        responses: {
            /** @description A new session; the presented token stops working. Without a body refreshToken the cookie is used (and rotated) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description JWT for X-Auth-Token */
                        accessToken: string;
                        /** @description Lifetime of accessToken in seconds */
                        expiresIn: number;
                        /** @description Absent when the login asked for the HttpOnly refresh cookie instead */
                        refreshToken?: string;
                        user: {
                            id: string;
                            /** @description true while a generated password must be changed before anything else */
                            passwordChangeRequired?: boolean;
                            /** @enum {string} */
                            role: "admin" | "operator" | "viewer";
                            username: string;
                        };
                    };
                };
            };
            /** @description REFRESH_TOKEN_INVALID | REFRESH_TOKEN_EXPIRED | REFRESH_TOKEN_REVOKED | REFRESH_TOKEN_REUSED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: {
                /** @description Engine name, e.g. onnxruntime */
                engine?: unknown;
                limit?: number;
                offset?: number;
                /** @description Substring of the model name */
                search?: unknown;
                status?: "validated" | "invalid" | "deploying" | "deployed" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description {items, total} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            activeVersion: number;
                            /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                            batchProfile: {
                                maxBatchSize: number;
                                points: {
                                    batchSize: number;
                                    ms: number;
                                    msPerItem: number;
                                }[];
                                preferredBatchSizes: number[];
                            } | null;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            deployment: {
                                batching: {
                                    maxBatchSize: number;
                                    maxQueueDelayMs: number;
                                    preferredBatchSizes: number[];
                                };
                                instances: number;
                                queue: {
                                    maxSize: number;
                                    timeoutMs: number;
                                };
                            } | null;
                            deploymentOverrides: {
                                [key: string]: unknown;
                            };
                            description: string;
                            engine: string;
                            format: string;
                            id: string;
                            name: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                            statusReason: string | null;
                            updatedAt: string;
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            /** @description The newest uploaded version */
                            version: number;
                            /** @description On GET /models/{id} only */
                            versions?: {
                                active: boolean;
                                config: {
                                    batching?: {
                                        maxBatchSize?: number;
                                        maxQueueDelayMs?: number;
                                        preferredBatchSizes?: number[];
                                    };
                                    engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                    instances?: number;
                                    /** @enum {string} */
                                    isolation?: "thread" | "process";
                                    maxMemoryMb?: number;
                                    postprocess?: {
                                        /** @enum {string} */
                                        format?: "yolov5" | "yolov8" | "xyxy";
                                        iouThreshold?: number;
                                        labels?: string[];
                                        maxDetections?: number;
                                        output?: string;
                                        scoreThreshold?: number;
                                        softmax?: boolean | "auto";
                                        topK?: number;
                                    };
                                    preprocess?: {
                                        /** @enum {string} */
                                        colorOrder?: "RGB" | "BGR";
                                        /** @enum {string} */
                                        dtype?: "float32" | "uint8";
                                        height?: number;
                                        input?: string;
                                        /** @enum {string} */
                                        layout?: "NCHW" | "NHWC";
                                        mean?: number[];
                                        padValue?: number;
                                        /** @enum {string} */
                                        resize?: "stretch" | "letterbox" | "crop";
                                        scale?: number;
                                        std?: number[];
                                        width?: number;
                                    };
                                    queue?: {
                                        maxSize?: number;
                                        timeoutMs?: number;
                                    };
                                    residency?: {
                                        idleUnloadSeconds?: number;
                                        /** @enum {string} */
                                        mode?: "pinned" | "on-demand";
                                    };
                                    /** @enum {string} */
                                    task?: "classification" | "detection" | "raw";
                                };
                                createdAt: string;
                                engine: string;
                                format: string;
                                sha256: string;
                                signature: {
                                    inputs: {
                                        dtype: string;
                                        name: string;
                                        shape: (number | string)[];
                                    }[];
                                    outputs: {
                                        dtype: string;
                                        name: string;
                                        shape: (number | string)[];
                                    }[];
                                } | null;
                                sizeBytes: number;
                                /** @enum {string} */
                                status: "validated" | "invalid";
                                validation: {
                                    errors: {
                                        code: string;
                                        message: string;
                                    }[];
                                    ok: boolean;
                                    warnings: string[];
                                };
                                version: number;
                            }[];
                        }[];
                        total: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description Model config as JSON text (see docs/api/models.md); for a version it defaults to the current config */
                    config?: string;
                    description?: string;
                    /**
                     * Format: binary
                     * @description .onnx, .zip (TF.js model dir or SavedModel), .plan or .engine
                     */
                    file: string;
                    /** @description Unique model name (required for a new model; ignored for a version); no control characters, at most 100 characters once URL-encoded */
                    name?: string;
                };
            };
        };
        responses: {
            /** @description The model with its validation report */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_remove: {
        parameters: {
            query?: {
                force?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    config?: {
                        [key: string]: unknown;
                    } | string;
                    description?: string;
                    name?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_deploy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    batching?: {
                        maxBatchSize?: number;
                        maxQueueDelayMs?: number;
                        preferredBatchSizes?: number[];
                    };
                    instances?: number;
                    /** @enum {string} */
                    isolation?: "thread" | "process";
                    maxMemoryMb?: number;
                    queue?: {
                        maxSize?: number;
                        timeoutMs?: number;
                    };
                    residency?: {
                        idleUnloadSeconds?: number;
                        /** @enum {string} */
                        mode?: "pinned" | "on-demand";
                    };
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    InternalInferenceController_infer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description As POST /api/v1/inference/{modelId} */
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    encoding?: "json" | "binary";
                    image?: string;
                    images?: string[];
                    inputs?: {
                        [key: string]: {
                            data: unknown;
                            dtype?: unknown;
                            shape: unknown;
                        };
                    };
                    iouThreshold?: number;
                    /** @enum {string} */
                    output?: "raw";
                    priority?: number;
                    scoreThreshold?: number;
                    timeoutMs?: number;
                    topK?: number;
                };
                "multipart/form-data": {
                    /** @enum {string} */
                    encoding?: "json" | "binary";
                    image?: string;
                    images?: string[];
                    inputs?: {
                        [key: string]: {
                            data: unknown;
                            dtype?: unknown;
                            shape: unknown;
                        };
                    };
                    iouThreshold?: number;
                    /** @enum {string} */
                    output?: "raw";
                    priority?: number;
                    scoreThreshold?: number;
                    timeoutMs?: number;
                    topK?: number;
                };
            };
        };
        responses: {
            /** @description Predictions, detections or raw outputs per image, with the timing breakdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        modelId: string;
                        requestId: string;
                        results: ({
                            predictions: {
                                index: number;
                                label: string;
                                score: number;
                            }[];
                        } | {
                            detections: {
                                /** @description In the original image's pixels */
                                box: {
                                    height: number;
                                    width: number;
                                    x: number;
                                    y: number;
                                };
                                index: number;
                                label: string;
                                score: number;
                            }[];
                        } | {
                            outputs: {
                                [key: string]: {
                                    data: (number | string | boolean)[];
                                    dtype: string;
                                    shape: number[];
                                };
                            };
                        })[];
                        timing: {
                            inferenceMs: number;
                            postprocessMs: number;
                            preprocessMs: number;
                            queueMs: number;
                            totalMs: number;
                        };
                        version: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelStatsController_stats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Statistics (zeros for a model without traffic) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        batchSizes: {
                            [key: string]: number;
                        };
                        errorsByCode: {
                            [key: string]: number;
                        };
                        latencyMs: {
                            compute: {
                                p50: number;
                                p95: number;
                                p99: number;
                                samples: number;
                            };
                            queue: {
                                p50: number;
                                p95: number;
                                p99: number;
                                samples: number;
                            };
                            total: {
                                p50: number;
                                p95: number;
                                p99: number;
                                samples: number;
                            };
                        };
                        modelId: string;
                        queueDepth: number;
                        requests: {
                            byOutcome: {
                                [key: string]: number;
                            };
                            errors: number;
                            success: number;
                            total: number;
                        };
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description MODEL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_undeploy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_unload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_validate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_addVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description Model config as JSON text (see docs/api/models.md); for a version it defaults to the current config */
                    config?: string;
                    description?: string;
                    /**
                     * Format: binary
                     * @description .onnx, .zip (TF.js model dir or SavedModel), .plan or .engine
                     */
                    file: string;
                    /** @description Unique model name (required for a new model; ignored for a version); no control characters, at most 100 characters once URL-encoded */
                    name?: string;
                };
            };
        };
        responses: {
            /** @description The new version with its validation report */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        engine: string;
                        format: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid";
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        version: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_activate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_addSample: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activeVersion: number;
                        /** @description Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken */
                        batchProfile: {
                            maxBatchSize: number;
                            points: {
                                batchSize: number;
                                ms: number;
                                msPerItem: number;
                            }[];
                            preferredBatchSizes: number[];
                        } | null;
                        config: {
                            batching?: {
                                maxBatchSize?: number;
                                maxQueueDelayMs?: number;
                                preferredBatchSizes?: number[];
                            };
                            engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                            instances?: number;
                            /** @enum {string} */
                            isolation?: "thread" | "process";
                            maxMemoryMb?: number;
                            postprocess?: {
                                /** @enum {string} */
                                format?: "yolov5" | "yolov8" | "xyxy";
                                iouThreshold?: number;
                                labels?: string[];
                                maxDetections?: number;
                                output?: string;
                                scoreThreshold?: number;
                                softmax?: boolean | "auto";
                                topK?: number;
                            };
                            preprocess?: {
                                /** @enum {string} */
                                colorOrder?: "RGB" | "BGR";
                                /** @enum {string} */
                                dtype?: "float32" | "uint8";
                                height?: number;
                                input?: string;
                                /** @enum {string} */
                                layout?: "NCHW" | "NHWC";
                                mean?: number[];
                                padValue?: number;
                                /** @enum {string} */
                                resize?: "stretch" | "letterbox" | "crop";
                                scale?: number;
                                std?: number[];
                                width?: number;
                            };
                            queue?: {
                                maxSize?: number;
                                timeoutMs?: number;
                            };
                            residency?: {
                                idleUnloadSeconds?: number;
                                /** @enum {string} */
                                mode?: "pinned" | "on-demand";
                            };
                            /** @enum {string} */
                            task?: "classification" | "detection" | "raw";
                        };
                        createdAt: string;
                        deployment: {
                            batching: {
                                maxBatchSize: number;
                                maxQueueDelayMs: number;
                                preferredBatchSizes: number[];
                            };
                            instances: number;
                            queue: {
                                maxSize: number;
                                timeoutMs: number;
                            };
                        } | null;
                        deploymentOverrides: {
                            [key: string]: unknown;
                        };
                        description: string;
                        engine: string;
                        format: string;
                        id: string;
                        name: string;
                        sha256: string;
                        signature: {
                            inputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                            outputs: {
                                dtype: string;
                                name: string;
                                shape: (number | string)[];
                            }[];
                        } | null;
                        sizeBytes: number;
                        /** @enum {string} */
                        status: "validated" | "invalid" | "deploying" | "deployed" | "failed";
                        statusReason: string | null;
                        updatedAt: string;
                        validation: {
                            errors: {
                                code: string;
                                message: string;
                            }[];
                            ok: boolean;
                            warnings: string[];
                        };
                        /** @description The newest uploaded version */
                        version: number;
                        /** @description On GET /models/{id} only */
                        versions?: {
                            active: boolean;
                            config: {
                                batching?: {
                                    maxBatchSize?: number;
                                    maxQueueDelayMs?: number;
                                    preferredBatchSizes?: number[];
                                };
                                engine?: ("onnxruntime" | "tensorflow" | "tensorrt") | string;
                                instances?: number;
                                /** @enum {string} */
                                isolation?: "thread" | "process";
                                maxMemoryMb?: number;
                                postprocess?: {
                                    /** @enum {string} */
                                    format?: "yolov5" | "yolov8" | "xyxy";
                                    iouThreshold?: number;
                                    labels?: string[];
                                    maxDetections?: number;
                                    output?: string;
                                    scoreThreshold?: number;
                                    softmax?: boolean | "auto";
                                    topK?: number;
                                };
                                preprocess?: {
                                    /** @enum {string} */
                                    colorOrder?: "RGB" | "BGR";
                                    /** @enum {string} */
                                    dtype?: "float32" | "uint8";
                                    height?: number;
                                    input?: string;
                                    /** @enum {string} */
                                    layout?: "NCHW" | "NHWC";
                                    mean?: number[];
                                    padValue?: number;
                                    /** @enum {string} */
                                    resize?: "stretch" | "letterbox" | "crop";
                                    scale?: number;
                                    std?: number[];
                                    width?: number;
                                };
                                queue?: {
                                    maxSize?: number;
                                    timeoutMs?: number;
                                };
                                residency?: {
                                    idleUnloadSeconds?: number;
                                    /** @enum {string} */
                                    mode?: "pinned" | "on-demand";
                                };
                                /** @enum {string} */
                                task?: "classification" | "detection" | "raw";
                            };
                            createdAt: string;
                            engine: string;
                            format: string;
                            sha256: string;
                            signature: {
                                inputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                                outputs: {
                                    dtype: string;
                                    name: string;
                                    shape: (number | string)[];
                                }[];
                            } | null;
                            sizeBytes: number;
                            /** @enum {string} */
                            status: "validated" | "invalid";
                            validation: {
                                errors: {
                                    code: string;
                                    message: string;
                                }[];
                                ok: boolean;
                                warnings: string[];
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    EnginesController_engines: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every engine with its availability and the reason when it is unavailable */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            available: boolean;
                            backend: string | null;
                            devices: string[];
                            formats: string[];
                            name: string;
                            /** @description Why the engine (or a better backend) is unavailable */
                            reason: string | null;
                            version: string;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SystemController_info: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description System overview */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        engines: {
                            available: boolean;
                            name: string;
                            reason?: string;
                            version: string;
                        }[];
                        hardware: {
                            cpu: {
                                cores: number;
                                model: string;
                            };
                            gpuReason: string | null;
                            gpus: {
                                index: number;
                                memoryTotalBytes: number;
                                memoryUsedBytes: number;
                                utilizationPercent: number;
                            }[];
                            memory: {
                                freeBytes: number;
                                totalBytes: number;
                            };
                        };
                        models: {
                            byStatus: {
                                [key: string]: number;
                            };
                            total: number;
                        };
                        node: string;
                        platform: string;
                        startedAt: string;
                        tokens: {
                            byStatus: {
                                [key: string]: number;
                            };
                            total: number;
                        };
                        uptimeSeconds: number;
                        version: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SystemController_metrics: {
        parameters: {
            query?: {
                /** @description Only samples taken after this time (epoch milliseconds) */
                since?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CPU, memory and GPU samples over time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        intervalMs: number;
                        items: {
                            cpuPercent: number;
                            gpu: {
                                index: number;
                                memoryTotalBytes: number;
                                memoryUsedBytes: number;
                                utilizationPercent: number;
                            }[] | null;
                            memoryTotalBytes: number;
                            memoryUsedBytes: number;
                            rssBytes: number;
                            timestamp: string;
                        }[];
                        retentionSamples: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SystemController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Replicas, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description How this replica is reached (REPLICA_ADDRESS, or host:port) */
                            address: string;
                            id: string;
                            lastHeartbeatAt: string;
                            /** @description Models this replica serves, at the version it serves */
                            models: {
                                modelId: string;
                                version: number;
                            }[];
                            startedAt: string;
                            version: string;
                        }[];
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_list: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                /** @description Substring of the token name */
                search?: unknown;
                status?: "active" | "disabled" | "revoked" | "expired";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description {items, total} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            allowedModels: string[];
                            createdAt: string;
                            createdBy: string | null;
                            description: string;
                            disabledAt: string | null;
                            expiresAt: string | null;
                            id: string;
                            ipAllowlist: string[];
                            lastUsedAt: string | null;
                            monthlyQuota: number | null;
                            name: string;
                            rateLimitPerMinute: number | null;
                            remainingQuota: number | null;
                            revokedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled" | "revoked" | "expired";
                            /** @description The first characters of the secret, to recognise it */
                            tokenPreview: string;
                            updatedAt: string;
                            usedThisMonth: number;
                        }[];
                        total: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allowedModels: string[];
                    /** @default  */
                    description?: string;
                    /** @default null */
                    expiresAt?: string | null;
                    ipAllowlist?: string[];
                    /** @default null */
                    monthlyQuota?: number | null;
                    name: string;
                    /** @default null */
                    rateLimitPerMinute?: number | null;
                };
            };
        };
        responses: {
            /** @description The token with its secret (shown once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The secret; it is never shown again */
                        token: string;
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allowedModels?: string[];
                    description?: string;
                    expiresAt?: string | null;
                    ipAllowlist?: string[];
                    monthlyQuota?: number | null;
                    name?: string;
                    rateLimitPerMinute?: number | null;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_disable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_enable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token with its new secret (shown once) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowedModels: string[];
                        createdAt: string;
                        createdBy: string | null;
                        description: string;
                        disabledAt: string | null;
                        expiresAt: string | null;
                        id: string;
                        ipAllowlist: string[];
                        lastUsedAt: string | null;
                        monthlyQuota: number | null;
                        name: string;
                        rateLimitPerMinute: number | null;
                        remainingQuota: number | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        status: "active" | "disabled" | "revoked" | "expired";
                        /** @description The secret; it is never shown again */
                        token: string;
                        /** @description The first characters of the secret, to recognise it */
                        tokenPreview: string;
                        updatedAt: string;
                        usedThisMonth: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_list: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description {items, total} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            createdAt: string;
                            id: string;
                            /** @enum {string} */
                            role: "admin" | "operator" | "viewer";
                            updatedAt: string;
                            username: string;
                        }[];
                        total: number;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    /** @enum {string} */
                    role: "admin" | "operator" | "viewer";
                    username: string;
                };
            };
        };
        responses: {
            /** @description The new user (409 USERNAME_TAKEN on duplicates) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        id: string;
                        /** @enum {string} */
                        role: "admin" | "operator" | "viewer";
                        updatedAt: string;
                        username: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user (404 USER_NOT_FOUND) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        id: string;
                        /** @enum {string} */
                        role: "admin" | "operator" | "viewer";
                        updatedAt: string;
                        username: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (409 LAST_ADMIN for the last admin) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password?: string;
                    /** @enum {string} */
                    role?: "admin" | "operator" | "viewer";
                };
            };
        };
        responses: {
            /** @description The updated user (409 LAST_ADMIN when demoting the last admin) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        id: string;
                        /** @enum {string} */
                        role: "admin" | "operator" | "viewer";
                        updatedAt: string;
                        username: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ExternalModelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ExternalModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description METRICS_TOKEN_INVALID */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description METRICS_DISABLED (no METRICS_TOKEN on a non-loopback host) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Database up and start-up work done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not ready yet (or shutting down) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OipController_server: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        extensions: string[];
                        name: string;
                        version: string;
                    };
                };
            };
        };
    };
    OipController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        live: boolean;
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ready: boolean;
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_metadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        inputs: {
                            datatype: string;
                            name: string;
                            shape: number[];
                        }[];
                        name: string;
                        outputs: {
                            datatype: string;
                            name: string;
                            shape: number[];
                        }[];
                        platform: string;
                        versions: string[];
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_infer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    inputs: {
                        data?: unknown[];
                        datatype: string;
                        name: string;
                        parameters?: {
                            binary_data_size?: number;
                        } & {
                            [key: string]: unknown;
                        };
                        shape: number[];
                    }[];
                    outputs?: {
                        name: string;
                        parameters?: {
                            binary_data?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    }[];
                    parameters?: {
                        binary_data_output?: boolean;
                        priority?: number;
                        timeoutMs?: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
                "application/octet-stream": {
                    id?: string;
                    inputs: {
                        data?: unknown[];
                        datatype: string;
                        name: string;
                        parameters?: {
                            binary_data_size?: number;
                        } & {
                            [key: string]: unknown;
                        };
                        shape: number[];
                    }[];
                    outputs?: {
                        name: string;
                        parameters?: {
                            binary_data?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    }[];
                    parameters?: {
                        binary_data_output?: boolean;
                        priority?: number;
                        timeoutMs?: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id?: string;
                        model_name: string;
                        model_version?: string;
                        outputs: {
                            data?: unknown[];
                            datatype: string;
                            name: string;
                            parameters?: {
                                [key: string]: unknown;
                            };
                            shape: number[];
                        }[];
                        parameters?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_modelReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        ready: boolean;
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipStatsController_one: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        model_stats: {
                            batch_stats: {
                                [key: string]: unknown;
                            }[];
                            execution_count: number;
                            inference_count: number;
                            inference_stats: {
                                [key: string]: {
                                    count?: number;
                                    ns?: number;
                                };
                            };
                            last_inference: number;
                            name: string;
                            version: string;
                        }[];
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_versionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        inputs: {
                            datatype: string;
                            name: string;
                            shape: number[];
                        }[];
                        name: string;
                        outputs: {
                            datatype: string;
                            name: string;
                            shape: number[];
                        }[];
                        platform: string;
                        versions: string[];
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_inferVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    inputs: {
                        data?: unknown[];
                        datatype: string;
                        name: string;
                        parameters?: {
                            binary_data_size?: number;
                        } & {
                            [key: string]: unknown;
                        };
                        shape: number[];
                    }[];
                    outputs?: {
                        name: string;
                        parameters?: {
                            binary_data?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    }[];
                    parameters?: {
                        binary_data_output?: boolean;
                        priority?: number;
                        timeoutMs?: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
                "application/octet-stream": {
                    id?: string;
                    inputs: {
                        data?: unknown[];
                        datatype: string;
                        name: string;
                        parameters?: {
                            binary_data_size?: number;
                        } & {
                            [key: string]: unknown;
                        };
                        shape: number[];
                    }[];
                    outputs?: {
                        name: string;
                        parameters?: {
                            binary_data?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    }[];
                    parameters?: {
                        binary_data_output?: boolean;
                        priority?: number;
                        timeoutMs?: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id?: string;
                        model_name: string;
                        model_version?: string;
                        outputs: {
                            data?: unknown[];
                            datatype: string;
                            name: string;
                            parameters?: {
                                [key: string]: unknown;
                            };
                            shape: number[];
                        }[];
                        parameters?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipController_versionReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        ready: boolean;
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipStatsController_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        model_stats: {
                            batch_stats: {
                                [key: string]: unknown;
                            }[];
                            execution_count: number;
                            inference_count: number;
                            inference_stats: {
                                [key: string]: {
                                    count?: number;
                                    ns?: number;
                                };
                            };
                            last_inference: number;
                            name: string;
                            version: string;
                        }[];
                    };
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
        };
    };
    OipStatsController_all: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        model_stats: {
                            batch_stats: {
                                [key: string]: unknown;
                            }[];
                            execution_count: number;
                            inference_count: number;
                            inference_stats: {
                                [key: string]: {
                                    count?: number;
                                    ns?: number;
                                };
                            };
                            last_inference: number;
                            name: string;
                            version: string;
                        }[];
                    };
                };
            };
            /** @description ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description IP_NOT_ALLOWED | MODEL_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OipRepositoryController_index: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    ready?: boolean;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        reason?: string;
                        state: string;
                        version?: string;
                    }[];
                };
            };
            /** @description Error ({"error": message}; stable code in X-Error-Code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                    };
                };
            };
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OipRepositoryController_load: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    parameters?: {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OipRepositoryController_unload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    parameters?: {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Missing, invalid or expired X-Auth-Token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Role not allowed (FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
