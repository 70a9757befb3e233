import GameMetricsErasure
import GameMetricsPostgres

/// The recommendation service's schema: each tenant's game catalogue, trained models with their
/// vectors (pgvector; one partition per model, so a model is searched, loaded and dropped on its
/// own and one tenant's vectors never share an index with another's), the tenants' rollouts and
/// players' recent plays.
enum RecommendationMigrations {
    /// Each service keeps its own migration history in the shared database.
    static let table = "recommendation_schema_migrations"

    static let all: [Migration] = [
        Migration(
            version: 1, name: "catalogue",
            statements: [
                // pgvector is not a trusted extension: the cluster creates it as superuser
                // (charts/postgres; make up and make test in template1); this only checks.
                "CREATE EXTENSION IF NOT EXISTS vector",
                """
                CREATE TABLE rec_games (
                    tenant_id text NOT NULL,
                    game_id text NOT NULL,
                    name text,
                    provider text,
                    category text,
                    volatility text CHECK (volatility IN ('low', 'medium', 'high')),
                    release_date date,
                    enabled boolean NOT NULL DEFAULT true,
                    source text NOT NULL CHECK (source IN ('api', 'events')),
                    first_seen_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, game_id)
                )
                """,
                """
                CREATE TABLE rec_recent_plays (
                    tenant_id text NOT NULL,
                    player_id text NOT NULL,
                    game_id text NOT NULL,
                    plays integer NOT NULL CHECK (plays >= 1),
                    last_played_at timestamptz NOT NULL,
                    PRIMARY KEY (tenant_id, player_id, game_id)
                )
                """,
                "CREATE INDEX rec_recent_plays_by_time ON rec_recent_plays (tenant_id, last_played_at)",
            ]),
        Migration(
            version: 2, name: "models",
            statements: [
                """
                CREATE TABLE rec_models (
                    model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant_id text NOT NULL,
                    version text NOT NULL,
                    state text NOT NULL CHECK (state IN ('loading', 'ready', 'retired')),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    ready_at timestamptz,
                    window_from timestamptz NOT NULL,
                    window_to timestamptz NOT NULL,
                    players integer NOT NULL,
                    games integer NOT NULL,
                    interactions bigint NOT NULL,
                    parameters jsonb NOT NULL,
                    metrics jsonb NOT NULL,
                    popular text[] NOT NULL,
                    artifact_key text NOT NULL,
                    artifact_sha256 text NOT NULL CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$'),
                    UNIQUE (tenant_id, version)
                )
                """,
                """
                CREATE TABLE rec_game_vectors (
                    model_id bigint NOT NULL,
                    game_id text NOT NULL,
                    embedding vector(\(ModelShape.factors)) NOT NULL,
                    PRIMARY KEY (model_id, game_id)
                ) PARTITION BY LIST (model_id)
                """,
                """
                CREATE TABLE rec_player_vectors (
                    model_id bigint NOT NULL,
                    player_id text NOT NULL,
                    embedding vector(\(ModelShape.factors)) NOT NULL,
                    played text[] NOT NULL,
                    PRIMARY KEY (model_id, player_id)
                ) PARTITION BY LIST (model_id)
                """,
                """
                CREATE TABLE rec_rollouts (
                    tenant_id text PRIMARY KEY,
                    primary_model_id bigint NOT NULL REFERENCES rec_models,
                    candidate_model_id bigint REFERENCES rec_models,
                    candidate_percent integer NOT NULL DEFAULT 0 CHECK (candidate_percent BETWEEN 0 AND 100),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    updated_by text NOT NULL,
                    CHECK (candidate_model_id IS NULL OR candidate_model_id <> primary_model_id)
                )
                """,
            ] + partitionFunctions),
        Migration(version: 3, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .recommendation)),
    ]

    /// The service role owns no table, so a model's partitions and its HNSW index are made and
    /// dropped by the owner's functions, which accept only what the model's state allows.
    static let partitionFunctions = [
        """
        CREATE FUNCTION rec_create_model_partitions(model bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM public.rec_models WHERE model_id = model AND state = 'loading') THEN
                RAISE EXCEPTION 'model % is not loading', model USING ERRCODE = 'invalid_parameter_value';
            END IF;
            EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.rec_game_vectors FOR VALUES IN (%s)', 'rec_game_vectors_m' || model, model);
            EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.rec_player_vectors FOR VALUES IN (%s)', 'rec_player_vectors_m' || model, model);
        END
        $$
        """,
        """
        CREATE FUNCTION rec_index_model(model bigint, m integer, ef_construction integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM public.rec_models WHERE model_id = model AND state = 'loading') THEN
                RAISE EXCEPTION 'model % is not loading', model USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF m NOT BETWEEN 4 AND 64 OR ef_construction NOT BETWEEN 16 AND 512 THEN
                RAISE EXCEPTION 'HNSW m % or ef_construction % out of range', m, ef_construction USING ERRCODE = 'invalid_parameter_value';
            END IF;
            EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON public.%I USING hnsw (embedding vector_ip_ops) WITH (m = %s, ef_construction = %s)',
                'rec_game_vectors_m' || model || '_hnsw', 'rec_game_vectors_m' || model, m, ef_construction);
            EXECUTE format('ANALYZE public.%I', 'rec_game_vectors_m' || model);
        END
        $$
        """,
        """
        CREATE FUNCTION rec_drop_model_partitions(model bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM public.rec_models WHERE model_id = model AND state IN ('ready'))
               OR EXISTS (SELECT 1 FROM public.rec_rollouts WHERE primary_model_id = model OR candidate_model_id = model) THEN
                RAISE EXCEPTION 'model % is ready or served', model USING ERRCODE = 'invalid_parameter_value';
            END IF;
            EXECUTE format('DROP TABLE IF EXISTS public.%I', 'rec_game_vectors_m' || model);
            EXECUTE format('DROP TABLE IF EXISTS public.%I', 'rec_player_vectors_m' || model);
        END
        $$
        """,
        // Functions are executable by PUBLIC by default; db/roles.sql grants them by name.
        "REVOKE ALL ON FUNCTION rec_create_model_partitions(bigint), rec_index_model(bigint, integer, integer), rec_drop_model_partitions(bigint) FROM PUBLIC",
    ]
}
