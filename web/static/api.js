// The API client both pages share: one XMLHttpRequest helper (XHR, not fetch, because only XHR reports upload
// progress) and the Korean sentence for every error code the service and nginx answer.
"use strict";

const MenuAPI = (() => {
    // Every `error.code` the API can answer (APIError, the routes, nginx's own error pages) and every per-file code
    // of an upload (FileErrorCode). Unknown codes fall back to the server's English message.
    const messages = {
        // Request and credentials
        bad_request: "요청 형식이 잘못되었습니다.",
        request_header_too_large: "요청 헤더가 너무 큽니다 (8 KB 초과).",
        not_found: "요청한 주소가 없습니다.",
        method_not_allowed: "이 주소에서 허용되지 않는 요청입니다.",
        request_timeout: "요청이 제시간에 도착하지 않았습니다. 다시 시도해 주세요.",
        payload_too_large: "한 번에 올릴 수 있는 크기(50 MB)를 넘었습니다. 파일을 나누어 올려 주세요.",
        uri_too_long: "요청 주소가 너무 깁니다.",
        rate_limited: "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        internal_error: "서버에서 예기치 못한 오류가 났습니다. 요청 ID와 함께 알려 주세요.",
        bad_gateway: "서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        service_unavailable: "서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        gateway_timeout: "서비스가 제시간에 응답하지 않았습니다. 잠시 후 다시 시도해 주세요.",
        storage_unavailable: "데이터베이스에 잠시 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        invalid_content_length: "요청 길이(Content-Length)가 잘못되었습니다.",
        incomplete_body: "요청 본문이 끝까지 전송되지 않았습니다. 다시 시도해 주세요.",
        missing_api_key: "API 키를 입력해 주세요.",
        invalid_api_key: "API 키가 올바르지 않습니다.",
        malformed_credentials: "인증 값의 형식이 잘못되었습니다. 키를 공백 없이 입력해 주세요.",
        forbidden: "이 키로는 이 식당(또는 관리자 화면)에 접근할 수 없습니다.",
        missing_admin_token: "관리자 토큰을 입력해 주세요.",
        invalid_restaurant_id: "식당 ID 형식이 잘못되었습니다 (UUID).",
        restaurant_not_found: "해당 식당을 찾을 수 없습니다.",
        // Uploads and tasks
        invalid_content_type: "업로드 형식이 잘못되었습니다 (multipart/form-data).",
        missing_boundary: "업로드 형식이 잘못되었습니다 (boundary 없음).",
        invalid_boundary: "업로드 형식이 잘못되었습니다 (boundary 오류).",
        malformed_multipart: "업로드 본문이 손상되었습니다. 다시 시도해 주세요.",
        too_many_parts: "업로드 항목이 너무 많습니다.",
        no_files: "올릴 파일을 골라 주세요.",
        too_many_files: "한 번에 올릴 수 있는 파일 수를 넘었습니다 (최대 20개).",
        invalid_async: "비동기 업로드 설정이 잘못되었습니다.",
        invalid_idempotency_key: "중복 방지 키(Idempotency-Key)가 잘못되었습니다.",
        invalid_callback_url: "웹훅 주소가 올바르지 않습니다.",
        no_webhook_secret: "이 식당에는 웹훅 서명 키가 없습니다.",
        request_in_progress: "같은 업로드가 아직 처리 중입니다. 잠시 후 확인해 주세요.",
        idempotency_key_reused: "같은 중복 방지 키로 다른 업로드를 보냈습니다.",
        invalid_task_id: "작업 ID 형식이 잘못되었습니다.",
        task_not_found: "업로드 작업을 찾을 수 없습니다 (보관 기간이 지났을 수 있습니다).",
        invalid_file_index: "파일 번호가 잘못되었습니다.",
        file_not_kept: "이 사진은 보관되지 않았습니다.",
        // Per file of an upload
        invalid_image: "이미지를 읽을 수 없습니다 (JPEG, PNG, WebP, HEIC, PDF만 가능하며 파일이 손상되지 않아야 합니다).",
        image_too_large: "이미지 해상도가 너무 큽니다.",
        image_too_small: "이미지가 너무 작습니다. 메뉴판을 더 크게 찍어 주세요.",
        too_many_pages: "PDF의 쪽수가 너무 많습니다.",
        file_too_large: "파일이 너무 큽니다.",
        no_menu_items: "사진에서 메뉴를 찾지 못했습니다. 메뉴판 전체가 선명하게 보이도록 다시 찍어 주세요.",
        ocr_failed: "메뉴를 읽는 데 실패했습니다. 잠시 후 다시 올려 주세요.",
        ocr_unavailable: "메뉴 인식 서비스를 지금 사용할 수 없습니다. 잠시 후 다시 올려 주세요.",
        worker_lost: "처리 중 작업이 중단되었습니다. 다시 올려 주세요.",
        // The menu
        invalid_needs_review: "검토 필터 값이 잘못되었습니다.",
        invalid_format: "내보내기 형식이 잘못되었습니다.",
        invalid_parameter: "요청 값이 잘못되었습니다.",
        invalid_limit: "목록 개수 값이 잘못되었습니다.",
        invalid_offset: "목록 위치 값이 잘못되었습니다.",
        invalid_item_id: "메뉴 항목 ID가 잘못되었습니다.",
        invalid_json: "저장할 내용의 형식이 잘못되었습니다.",
        invalid_field: "입력한 값이 올바르지 않습니다.",
        item_not_found: "메뉴 항목을 찾을 수 없습니다 (이미 삭제되었을 수 있습니다).",
        duplicate_item: "같은 이름의 메뉴가 이미 있습니다.",
        precondition_failed: "다른 사람이 먼저 수정했습니다. 새로고침 후 다시 수정해 주세요.",
        // The metrics
        invalid_window: "기간 값이 잘못되었습니다.",
        invalid_series: "시계열 값이 잘못되었습니다.",
        // The browser itself
        network_error: "서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.",
        unexpected_response: "서버의 응답을 이해할 수 없습니다.",
    };

    /// The Korean sentence for an error `{status, code, message}`, with the code (and the server's detail for a
    /// field error, which names the field) so that staff can quote it.
    function describe(error) {
        const sentence = messages[error.code] || "요청을 처리하지 못했습니다.";
        const detail = error.code === "invalid_field" || !messages[error.code] ? ` ${error.message || ""}` : "";
        return `${sentence}${detail} (${error.code || error.status})`;
    }

    /// One request. Resolves with `{status, headers, body}` for a 2xx answer (`body` parsed when JSON, a Blob for
    /// `responseType: "blob"`), rejects with `{status, code, message}` otherwise.
    function request(method, path, { token, body, headers = {}, responseType, onUploadProgress } = {}) {
        return new Promise((resolve, reject) => {
            const xhr = new XMLHttpRequest();
            xhr.open(method, path);
            if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
            for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
            let payload = body;
            if (body !== undefined && !(body instanceof FormData)) {
                xhr.setRequestHeader("Content-Type", "application/json");
                payload = JSON.stringify(body);
            }
            // Errors are JSON even when a Blob was asked for, so read every answer as a Blob and decode it here.
            xhr.responseType = "blob";
            if (onUploadProgress) {
                xhr.upload.onprogress = (event) => {
                    if (event.lengthComputable) onUploadProgress(event.loaded / event.total);
                };
            }
            xhr.onerror = () => reject({ status: 0, code: "network_error", message: "network error" });
            xhr.onload = async () => {
                const blob = xhr.response;
                const type = xhr.getResponseHeader("Content-Type") || "";
                const answer = { status: xhr.status, headers: (name) => xhr.getResponseHeader(name) };
                try {
                    if (xhr.status >= 200 && xhr.status < 300) {
                        answer.body =
                            responseType === "blob" ? blob : type.startsWith("application/json") ? JSON.parse(await blob.text()) : null;
                        resolve(answer);
                    } else {
                        const error = JSON.parse(await blob.text()).error || {};
                        reject({ status: xhr.status, code: error.code, message: error.message });
                    }
                } catch {
                    reject({ status: xhr.status, code: "unexpected_response", message: `HTTP ${xhr.status}` });
                }
            };
            xhr.send(payload);
        });
    }

    /// A new element: `make("td", {className: "x"}, "text", child)`.
    function make(tag, properties = {}, ...children) {
        const element = document.createElement(tag);
        Object.assign(element, properties);
        for (const child of children) element.append(child);
        return element;
    }

    return { describe, request, make, messages };
})();
