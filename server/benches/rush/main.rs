//! The benchmarks. The rushes: many people at once after the same scarce
//! thing, through the real server functions, then an audit that compares
//! what each client was told with what the database holds. Then page
//! throughput: rendered pages against a file of the same size.
//!
//! One binary for all (one link, one copy on disk): `cargo bench -p server
//! --bench rush` runs each at full size; `-- plates`, `-- exams` or
//! `-- pages` picks one.
//! `cargo test --all-targets` runs a small round of each as a test.

mod common;
mod exams;
mod pages;
mod plates;
mod units;

#[tokio::main]
async fn main() {
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |name: &str| picked.is_empty() || picked.iter().any(|p| p == name);
    if wants("plates") {
        plates::run().await;
    }
    if wants("exams") {
        exams::run().await;
    }
    if wants("pages") {
        pages::run().await;
    }
    if wants("units") {
        units::run().await;
    }
}
