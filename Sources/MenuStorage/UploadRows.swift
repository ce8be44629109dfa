import Digest
import Foundation
import JSON
import MenuModel
import OCR
import Postgres

/// The rows finished files write (a result per file, its readings, its metrics event, and the restaurant's menu
/// entries they merge into), as JSON arrays that one statement turns back into rows with `jsonb_to_recordset`:
/// however many files and items, one round trip.
///
/// Doubles are written in their shortest exact form, so confidences and costs arrive as they were; hashes travel
/// as hex and are decoded into `bytea` by the statement.
struct UploadRows {
    var results: [JSONValue] = []
    var items: [JSONValue] = []
    var events: [JSONValue] = []
    let plan: MenuMergePlan

    init(_ outcomes: [FileOutcome], plan: MenuMergePlan) {
        self.plan = plan
        for (position, outcome) in outcomes.enumerated() {
            add(
                outcome, ids: position < plan.itemIDs.count ? plan.itemIDs[position] : [],
                reasons: position < plan.readingReasons.count ? plan.readingReasons[position] : [])
        }
    }

    /// The statement's binds after the task and the restaurant: `$3` results, `$4` readings, `$5` events, `$6`
    /// entries, `$7` new dish keys.
    var binds: [PostgresData] {
        [results, items, events, plan.entries, plan.newKeys].map { .text(JSONValue.array($0).encodedString) }
    }

    /// How many binds ``insertingCTEs`` uses: a statement's own start at `$8`.
    static let bindCount = 7

    /// The common table expressions that insert the rows, with `$1` the task and `$2` the restaurant. Data-modifying
    /// CTEs run once and to completion whether or not the main query reads them, so a statement may use them alone
    /// (`WITH ... SELECT 1`) or beside its own. Trusted text: every value is a bind.
    static let insertingCTEs = """
        results AS (
            INSERT INTO upload_results (task_id, file_index, file_name, status, image_sha256, body)
            SELECT $1::uuid, r.file_index, r.file_name, r.status, decode(r.image_sha256, 'hex'), r.body
            FROM jsonb_to_recordset($3::jsonb) AS r(file_index integer, file_name text, status text,
                image_sha256 text, body jsonb)
            RETURNING 1),
        items AS (
            INSERT INTO menu_items (restaurant_id, task_id, file_index, position, name_ko, name_en, description,
                category, prices, market_price, is_set, confidence, provider, entry_id, needs_review, review_reasons)
            SELECT $2::uuid, $1::uuid, i.file_index, i.position, i.name_ko, i.name_en, i.description, i.category,
                i.prices, i.market_price, i.is_set, i.confidence, i.provider, i.entry_id,
                jsonb_array_length(i.review_reasons) > 0, ARRAY(SELECT jsonb_array_elements_text(i.review_reasons))
            FROM jsonb_to_recordset($4::jsonb) AS i(file_index integer, position integer, name_ko text,
                name_en text, description text, category text, prices jsonb, market_price boolean, is_set boolean,
                confidence double precision, provider text, entry_id uuid, review_reasons jsonb)
            ORDER BY i.file_index, i.position
            RETURNING 1),
        entries AS (
            INSERT INTO menu_entries AS m (id, restaurant_id, name_ko, name_en, description, category, prices,
                market_price, is_set, confidence, review_reasons, source_task_id, source_file_index,
                source_file_name, source_provider, source_bbox)
            SELECT e.id, $2::uuid, e.name_ko, e.name_en, e.description, e.category, e.prices, e.market_price,
                e.is_set, e.confidence, ARRAY(SELECT jsonb_array_elements_text(e.review_reasons)), $1::uuid,
                e.file_index, e.file_name, e.provider, e.bbox
            FROM jsonb_to_recordset($6::jsonb) AS e(id uuid, name_ko text, name_en text, description text,
                category text, prices jsonb, market_price boolean, is_set boolean, confidence double precision,
                review_reasons jsonb, file_index integer, file_name text, provider text, bbox jsonb)
            ON CONFLICT (id) DO UPDATE SET name_ko = EXCLUDED.name_ko, name_en = EXCLUDED.name_en,
                description = EXCLUDED.description, category = EXCLUDED.category, prices = EXCLUDED.prices,
                market_price = EXCLUDED.market_price, is_set = EXCLUDED.is_set, confidence = EXCLUDED.confidence,
                review_reasons = CASE
                    WHEN (m.prices <> EXCLUDED.prices OR m.market_price <> EXCLUDED.market_price)
                        AND NOT 'conflict' = ANY (EXCLUDED.review_reasons)
                    THEN EXCLUDED.review_reasons || '{conflict}'::text[] ELSE EXCLUDED.review_reasons END,
                source_task_id = EXCLUDED.source_task_id, source_file_index = EXCLUDED.source_file_index,
                source_file_name = EXCLUDED.source_file_name, source_provider = EXCLUDED.source_provider,
                source_bbox = EXCLUDED.source_bbox,
                revision = m.revision + 1, updated_at = now()
            -- A reading that says what the entry says (the same photo again) changes nothing and makes no revision.
            WHERE NOT m.corrected AND NOT m.deleted
                AND (m.name_ko, m.name_en, m.description, m.category, m.prices, m.market_price, m.is_set,
                    m.confidence, m.review_reasons)
                    IS DISTINCT FROM (EXCLUDED.name_ko, EXCLUDED.name_en, EXCLUDED.description, EXCLUDED.category,
                    EXCLUDED.prices, EXCLUDED.market_price, EXCLUDED.is_set, EXCLUDED.confidence,
                    EXCLUDED.review_reasons)
            RETURNING m.id, m.revision, m.source_provider, (m.revision = 1) AS is_new, to_jsonb(m) AS snapshot),
        entry_keys AS (
            INSERT INTO menu_entry_keys (restaurant_id, dish_key, entry_id)
            SELECT $2::uuid, k.dish_key, k.entry_id FROM jsonb_to_recordset($7::jsonb) AS k(dish_key text, entry_id uuid)
            ON CONFLICT DO NOTHING
            RETURNING 1),
        entry_revisions AS (
            INSERT INTO menu_revisions (entry_id, revision, kind, actor, changes, snapshot, provider)
            SELECT id, revision, CASE WHEN is_new THEN 'extracted' ELSE 'reading' END, 'extraction',
                jsonb_build_object('task_id', $1::uuid), snapshot, source_provider
            FROM entries
            RETURNING 1),
        events AS (
            INSERT INTO ocr_events (restaurant_id, task_id, file_index, image_sha256, cached, is_run, provider, tier,
                attempts, fallback_triggered, fallback_codes, has_handwriting, item_count, price_count,
                price_error_count, price_error_item_count, confidence, processing_ms, status, error_kind,
                prompt_tokens, completion_tokens, estimated_cost_usd)
            SELECT $2::uuid, $1::uuid, e.file_index, decode(e.image_sha256, 'hex'), e.cached, e.is_run, e.provider,
                e.tier, e.attempts, e.fallback_triggered,
                ARRAY(SELECT jsonb_array_elements_text(e.fallback_codes)), e.has_handwriting, e.item_count,
                e.price_count, e.price_error_count, e.price_error_item_count, e.confidence, e.processing_ms, e.status,
                e.error_kind, e.prompt_tokens, e.completion_tokens, e.estimated_cost_usd
            FROM jsonb_to_recordset($5::jsonb) AS e(file_index integer, image_sha256 text, cached boolean,
                is_run boolean, provider text, tier integer, attempts jsonb, fallback_triggered boolean,
                fallback_codes jsonb, has_handwriting boolean, item_count integer, price_count integer,
                price_error_count integer, price_error_item_count integer, confidence double precision,
                processing_ms integer, status text, error_kind text, prompt_tokens integer,
                completion_tokens integer, estimated_cost_usd double precision)
            RETURNING 1)
        """

    private mutating func add(_ outcome: FileOutcome, ids: [UUID], reasons: [[ReviewReason]]) {
        let status = outcome.isSuccess ? "success" : "failed"
        let hash: JSONValue = outcome.imageSHA256.map { .string(SHA256.hex($0)) } ?? .null
        results.append(
            .object([
                ("file_index", .int(outcome.index)), ("file_name", .string(outcome.fileName)),
                ("status", .string(status)), ("image_sha256", hash), ("body", outcome.json),
            ]))
        let provider = outcome.result?.provider ?? "unknown"
        for (position, item) in outcome.items.enumerated() {
            items.append(
                .object([
                    ("file_index", .int(outcome.index)), ("position", .int(position)),
                    ("name_ko", .string(item.nameKorean)), ("name_en", item.nameEnglish.map(JSONValue.string) ?? .null),
                    ("description", item.description.map(JSONValue.string) ?? .null),
                    ("category", item.category.map(JSONValue.string) ?? .null),
                    ("prices", .array(item.prices.map(\.json))), ("market_price", .bool(item.isMarketPrice)),
                    ("is_set", .bool(item.isSet)), ("confidence", .double(item.confidence)),
                    ("provider", .string(provider)),
                    (
                        "entry_id",
                        position < ids.count ? .string(ids[position].uuidString.lowercased()) : .null
                    ),
                    (
                        "review_reasons",
                        .array((position < reasons.count ? reasons[position] : []).map { .string($0.rawValue) })
                    ),
                ]))
        }
        events.append(event(for: outcome, status: status, hash: hash))
    }

    /// One metrics row per processed file (see the metrics route for how they are read).
    private func event(for outcome: FileOutcome, status: String, hash: JSONValue) -> JSONValue {
        let result = outcome.result
        let routed = outcome.routed
        // Handwriting any tier saw counts, even when a later tier (which cannot tell) gave the final result.
        let hasHandwriting = routed?.attempts.contains { $0.result.hasHandwriting } ?? result?.hasHandwriting ?? false
        let provider = result?.provider ?? routed?.result.provider
        let paid = !outcome.cached
        let isRun = !outcome.cached && !(routed?.attempts.isEmpty ?? true)
        let fallbackTriggered = result?.fallbackTriggered ?? routed?.fallbackTriggered ?? false
        let codes: [JSONValue] = (result?.fallbackCodes ?? []).map { .string($0.rawValue) }
        let attempts: [JSONValue] = routed?.attempts.map(\.json) ?? []
        let priceCount = outcome.items.reduce(0) { $0 + $1.prices.count }
        let priceErrorCount = outcome.items.reduce(0) { $0 + $1.priceErrors.count }
        let priceErrorItemCount = outcome.items.filter { !$0.priceErrors.isEmpty }.count
        let promptTokens = paid ? routed?.promptTokens ?? 0 : 0
        let completionTokens = paid ? routed?.completionTokens ?? 0 : 0
        let cost = paid ? routed?.estimatedCostUSD ?? 0 : 0
        let providerValue: JSONValue = provider.map(JSONValue.string) ?? .null
        let tier: JSONValue = result.map { .int($0.tier) } ?? .null
        let confidence: JSONValue = result.map { .double($0.confidence) } ?? .null
        let errorKind: JSONValue = outcome.errorCode.map { .string($0.rawValue) } ?? .null
        var members: [(String, JSONValue)] = [
            ("file_index", .int(outcome.index)), ("image_sha256", hash), ("cached", .bool(outcome.cached)),
            ("is_run", .bool(isRun)), ("provider", providerValue), ("tier", tier), ("attempts", .array(attempts)),
            ("fallback_triggered", .bool(fallbackTriggered)), ("fallback_codes", .array(codes)),
            ("has_handwriting", .bool(hasHandwriting)), ("item_count", .int(outcome.items.count)),
        ]
        members += [
            ("price_count", .int(priceCount)), ("price_error_count", .int(priceErrorCount)),
            ("price_error_item_count", .int(priceErrorItemCount)), ("confidence", confidence),
            ("processing_ms", .int(outcome.processingTime.milliseconds)), ("status", .string(status)),
            ("error_kind", errorKind), ("prompt_tokens", .int(promptTokens)),
            ("completion_tokens", .int(completionTokens)), ("estimated_cost_usd", .double(cost)),
        ]
        return .object(members)
    }
}
