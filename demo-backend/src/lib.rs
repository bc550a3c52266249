//! The demos' backend, on a loopback port:
//!
//! - the four calls of the apps' `PushBackend` over HTTP (settings up and down,
//!   token bind and unbind), kept per user in SQLite ([`store`]);
//! - "send a message": for each device of the receiver, one route (W6), the
//!   receiver's rules and the vendor's payload from `offline_push::server` (the
//!   sender's server side, RULES W1–W6), and the payload's delivered form put in
//!   the device's inbox, which stands in for the vendor's service;
//! - an outage switch, so a demo can show the apps' sync riding one out.
//!
//! Every request body and answer is JSON in the core's own spelling (the
//! conformance vectors'). A malformed request is a 400, an unknown user a 404,
//! an outage a 503, each with `{"error": "…"}`; nothing a client sends makes it
//! crash, and no answer or log carries a token.

pub mod store;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use offline_push::server::{choose_route, deliver_to_receiver, Delivery, ReceiverState};
use offline_push::{
    check_vendor_token, delivered_form, IncomingMessage, OfflinePushToken, PushVendor, SessionState,
    SettingsChange, VendorConfig,
};
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use store::{DeviceInfo, Store};

/// The longest id the backend takes (RULES L1).
const MAX_ID_BYTES: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, json_body(&json!({ "error": self.to_string() }))).into_response()
    }
}

fn json_body(value: &impl Serialize) -> ([(header::HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(value).expect("answers serialize"),
    )
}

/// The request's JSON, or a 400 that says what is wrong with it.
fn parse<T: DeserializeOwned>(what: &str, body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("the body is not {what}: {e}")))
}

fn check_id(what: &str, id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the {what} must be 1 to {MAX_ID_BYTES} bytes long"
        )));
    }
    Ok(())
}

/// The backend's state: its store, the vendors' configuration its payloads use,
/// and whether it plays an outage.
pub struct Backend {
    store: Mutex<Store>,
    config: VendorConfig,
    down: AtomicBool,
}

impl Backend {
    pub fn new(store: Store, config: VendorConfig) -> Arc<Backend> {
        Arc::new(Backend {
            store: Mutex::new(store),
            config,
            down: AtomicBool::new(false),
        })
    }

    /// The apps' `PushBackend` calls fail while an outage plays.
    fn up(&self) -> Result<(), ApiError> {
        if self.down.load(Ordering::SeqCst) {
            Err(ApiError::Unavailable(
                "the demo backend is down: an outage the demo plays".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// The vendors' configuration the demos use: one channel for IM on every vendor.
pub fn demo_vendor_config() -> VendorConfig {
    VendorConfig {
        fcm_channel_id: Some("im".into()),
        xiaomi_channel_id: Some("im".into()),
        huawei_channel_id: Some("im".into()),
        honor_channel_id: Some("im".into()),
        oppo_channel_id: Some("im".into()),
        ..VendorConfig::default()
    }
}

pub fn router(backend: Arc<Backend>) -> Router {
    Router::new()
        .route(
            "/v1/users/{user}/settings",
            get(fetch_settings).put(upload_settings),
        )
        .route("/v1/users/{user}/tokens", post(bind_token).delete(unbind_token))
        .route("/v1/messages", post(send_message))
        .route("/v1/devices/{device}/collect", post(collect))
        .route("/v1/control/outage", post(outage))
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .with_state(backend)
}

/// `PushBackend.fetchSettings`: the user's settings (K7).
async fn fetch_settings(
    State(b): State<Arc<Backend>>,
    Path(user): Path<String>,
) -> Result<Response, ApiError> {
    check_id("user id", &user)?;
    b.up()?;
    let store = b.store.lock();
    if !store.knows(&user)? {
        return Err(ApiError::NotFound(format!("unknown user: {user}")));
    }
    Ok(json_body(&store.settings(&user)?).into_response())
}

/// `PushBackend.uploadSettings`: one change (K6), applied to what the user has.
async fn upload_settings(
    State(b): State<Arc<Backend>>,
    Path(user): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    check_id("user id", &user)?;
    let change: SettingsChange = parse("a settings change", &body)?;
    b.up()?;
    let store = b.store.lock();
    let mut settings = store.settings(&user)?;
    match change {
        SettingsChange::GlobalSettings { settings: global } => settings.global_settings = global,
        SettingsChange::DoNotDisturb { window } => settings.do_not_disturb = window,
        SettingsChange::ConversationOption {
            conversation_type,
            conversation_id,
            option,
        } => {
            check_id("conversation id", &conversation_id)?;
            settings.receive_options.retain(|o| {
                !(o.conversation_type == conversation_type && o.conversation_id == conversation_id)
            });
            if option != offline_push::ReceiveOption::Receive {
                settings
                    .receive_options
                    .push(offline_push::ConversationReceiveOption {
                        conversation_type,
                        conversation_id,
                        option,
                    });
            }
        }
    }
    store.set_settings(&user, &settings)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BindRequest {
    token: OfflinePushToken,
    device: DeviceInfo,
}

/// `PushBackend.uploadToken`: binds the token to the user and the device.
async fn bind_token(
    State(b): State<Arc<Backend>>,
    Path(user): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    check_id("user id", &user)?;
    let request: BindRequest = parse("a token and its device", &body)?;
    check_id("device id", &request.device.id)?;
    // The core's check never repeats the token in its message.
    check_vendor_token(request.token.clone()).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    b.up()?;
    b.store.lock().bind(&user, &request.token, &request.device)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PushBackend.unbindToken`.
async fn unbind_token(
    State(b): State<Arc<Backend>>,
    Path(user): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    check_id("user id", &user)?;
    let token: OfflinePushToken = parse("a token", &body)?;
    b.up()?;
    b.store.lock().unbind(&user, &token)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendRequest {
    to: String,
    message: IncomingMessage,
    /// A failover: send through this vendor instead of the device's route (W6),
    /// as a sender's server does when its first vendor timed out. The copy that
    /// reaches a device twice is dropped there as a duplicate (D8).
    #[serde(default)]
    via: Option<PushVendor>,
}

/// What happened for one device of the receiver.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryReport {
    pub device: String,
    pub vendor: PushVendor,
    /// `sent`, `withheld` (with the reason) or `failed` (with the error).
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Value>,
}

/// The sender's server: for each device of the receiver, one route (W6), the
/// receiver's rules (W2–W5), the vendor's payload, delivered to the device's inbox.
async fn send_message(State(b): State<Arc<Backend>>, body: Bytes) -> Result<Response, ApiError> {
    let request: SendRequest = parse("a message to a user", &body)?;
    check_id("receiver's user id", &request.to)?;
    let store = b.store.lock();
    if !store.knows(&request.to)? {
        return Err(ApiError::NotFound(format!("unknown user: {}", request.to)));
    }
    let settings = store.settings(&request.to)?;
    let bound = store.tokens(&request.to)?;
    let mut devices: Vec<&DeviceInfo> = Vec::new();
    for b in &bound {
        if !devices.iter().any(|d| d.id == b.device.id) {
            devices.push(&b.device);
        }
    }
    let mut reports = Vec::new();
    for device in devices {
        let vendors: Vec<PushVendor> = bound
            .iter()
            .filter(|t| t.device.id == device.id)
            .map(|t| t.token.vendor)
            .collect();
        let Some(vendor) = request.via.or_else(|| choose_route(device.own_vendor, &vendors)) else {
            continue;
        };
        let receiver = ReceiverState {
            session: SessionState::LoggedIn {
                user_id: request.to.clone(),
            },
            platform: device.platform,
            locale: device.locale,
            settings: settings.clone(),
            unread_total: None,
        };
        let (outcome, reason) = match deliver_to_receiver(&receiver, &request.message, vendor, &b.config) {
            Ok(Delivery::Send(payload)) => {
                store.deliver(&device.id, vendor, &delivered_form(payload))?;
                ("sent", None)
            }
            Ok(Delivery::Withheld(reason)) => {
                ("withheld", Some(serde_json::to_value(reason).expect("spelled")))
            }
            Err(e) => ("failed", Some(Value::String(e.to_string()))),
        };
        reports.push(DeliveryReport {
            device: device.id.clone(),
            vendor,
            outcome: outcome.into(),
            reason,
        });
    }
    Ok(json_body(&json!({ "deliveries": reports })).into_response())
}

/// The device's connection to its vendor: everything delivered to it since it
/// last asked, oldest first, as `[{"vendor": …, "delivered": …}]`.
async fn collect(State(b): State<Arc<Backend>>, Path(device): Path<String>) -> Result<Response, ApiError> {
    check_id("device id", &device)?;
    let items = b.store.lock().collect(&device)?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|(vendor, delivered)| json!({ "vendor": vendor, "delivered": delivered }))
        .collect();
    Ok(json_body(&items).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutageRequest {
    down: bool,
}

/// Starts or ends an outage of the `PushBackend` calls.
async fn outage(State(b): State<Arc<Backend>>, body: Bytes) -> Result<StatusCode, ApiError> {
    let request: OutageRequest = parse("{\"down\": true|false}", &body)?;
    b.down.store(request.down, Ordering::SeqCst);
    Ok(StatusCode::NO_CONTENT)
}

/// Serves on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    backend: Arc<Backend>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(backend))
        .with_graceful_shutdown(shutdown)
        .await
}
