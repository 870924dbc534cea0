//! The DIEM token metadata (Metaplex-style JSON: name, symbol, description, image) and its logo,
//! as committed in `migrations/metadata/`, with the links pointing at this server.
use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::Gateway;

const METADATA: &str = include_str!("../../../migrations/metadata/diem.json");
const LOGO: &str = include_str!("../../../migrations/metadata/diem.svg");

pub fn router(gateway: Arc<Gateway>) -> Router {
    // The public URL is fixed for the server's life: the JSON is rendered once.
    let body = metadata_json(&gateway.public_url);
    Router::new()
        .route(
            "/metadata/diem.json",
            get(move || async move {
                ([(header::CONTENT_TYPE, "application/json"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], body)
            }),
        )
        .route("/metadata/diem.svg", get(logo))
}

async fn logo() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], LOGO)
}

/// The committed metadata with `image` and `external_url` at `public_url`.
pub fn metadata_json(public_url: &str) -> String {
    let mut json: serde_json::Value = serde_json::from_str(METADATA).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.insert("image".into(), format!("{public_url}/metadata/diem.svg").into());
        object.insert("external_url".into(), public_url.into());
    }
    json.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_metadata_points_at_this_server() {
        let json: serde_json::Value = serde_json::from_str(&metadata_json("http://127.0.0.1:8080")).unwrap();
        assert_eq!(json["name"], "DIEM");
        assert_eq!(json["symbol"], "DIEM");
        assert_eq!(json["image"], "http://127.0.0.1:8080/metadata/diem.svg");
        assert!(LOGO.starts_with("<svg") || LOGO.contains("<svg"), "the logo is an SVG");
    }
}
