//! The site's own files as the pages name them (站点静态文件).
//!
//! A release build of the site names the style sheet, the JS and the WASM
//! by their content (`platform.<hash>.css`) and lists the hashes in the
//! hash file, one `kind: hash` line each; the server then lets browsers
//! keep those files for good. Without the file (a development or test
//! build) the names are plain.

use leptos::prelude::LeptosOptions;

/// The address of the site's style sheet.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    match hashed("css", options) {
        Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
        None => format!("/{pkg}/{name}.css"),
    }
}

/// The hash the hash file gives the kind of file (`css`, `js`, `wasm`),
/// read once per process and file.
#[cfg(feature = "ssr")]
fn hashed(kind: &str, options: &LeptosOptions) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static READ: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    if !options.hash_files {
        return None;
    }
    let path = options.hash_file.to_string();
    let text = {
        let mut read = READ.get_or_init(Default::default).lock().ok()?;
        read.entry(path.clone())
            .or_insert_with(|| std::fs::read_to_string(&path).unwrap_or_default())
            .clone()
    };
    hash_of(&text, kind)
}

#[cfg(not(feature = "ssr"))]
fn hashed(_kind: &str, _options: &LeptosOptions) -> Option<String> {
    None
}

/// The hash on the `kind: hash` line of a hash file.
pub fn hash_of(hash_file: &str, kind: &str) -> Option<String> {
    hash_file.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == kind && !hash.trim().is_empty()).then(|| hash.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_of_each_kind_is_read_from_its_line() {
        let file = "js: AbC_1\nwasm: xYz-2\ncss: q9\n";
        assert_eq!(hash_of(file, "css").as_deref(), Some("q9"));
        assert_eq!(hash_of(file, "wasm").as_deref(), Some("xYz-2"));
        assert_eq!(hash_of(file, "manifest"), None);
        assert_eq!(hash_of("css:\n", "css"), None);
    }

    #[test]
    fn without_hashed_names_the_style_sheet_has_its_plain_name() {
        let options = LeptosOptions::builder().output_name("platform").build();
        assert_eq!(stylesheet_href(&options), "/pkg/platform.css");
    }
}
