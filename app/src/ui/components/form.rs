//! Form parts used inside islands (they run in the browser after hydration
//! and on the server for the first render).

use crate::error::AppError;
use crate::i18n::{Lang, Text};
use leptos::prelude::*;

/// The error summary (错误提示) at the top of a form: a headline and one link
/// per wrong field; announced to screen readers and focused when it appears.
#[component]
pub fn ErrorSummary(
    lang: Lang,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Labels of the fields, to write the links: (field, label).
    labels: Vec<(&'static str, Text)>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        // A page that comes back with an error (a plain form post) puts the
        // focus on the summary at once (HTML `autofocus`, before any WASM).
        <div
            node_ref=node
            tabindex="-1"
            class="error-summary-slot"
            role="alert"
            aria-live="assertive"
            autofocus=error.get_untracked().is_some()
        >
            {move || {
                error
                    .get()
                    .map(|err| {
                        let items = err
                            .field_problems()
                            .iter()
                            .map(|p| {
                                let label = labels
                                    .iter()
                                    .find(|(f, _)| *f == p.field)
                                    .map(|(_, t)| t.get(lang).to_string())
                                    .unwrap_or_default();
                                let href = format!("#{}", p.field);
                                let text = if label.is_empty() {
                                    p.message.get(lang).to_string()
                                } else {
                                    format!("{label}：{}", p.message.get(lang))
                                };
                                view! {
                                    <li>
                                        <a href=href>{text}</a>
                                    </li>
                                }
                            })
                            .collect_view();
                        let refusal = match &err {
                            AppError::NotAllowed(r) => Some(r.clone()),
                            _ => None,
                        };
                        view! {
                            <div class="error-summary">
                                <h2 class="error-summary__title">
                                    {if refusal.is_some() {
                                        lang.pick("不能办理", "This cannot be done").to_string()
                                    } else {
                                        err.summary(lang)
                                    }}
                                </h2>
                                {refusal
                                    .map(|r| {
                                        view! {
                                            <p class="refusal__rule">{r.rule.get(lang).to_string()}</p>
                                            <p class="refusal__remedy">
                                                <strong>{r.remedy.get(lang).to_string()}</strong>
                                            </p>
                                        }
                                    })}
                                <ul class="error-summary__list">{items}</ul>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// The server's message for one field, if the last answer had one.
pub fn server_problem(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<Text>> {
    Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_problems()
                .iter()
                .find(|p| p.field == field)
                .map(|p| p.message.clone())
        })
    })
}

/// A checker run in the browser as the person types (the same domain code
/// the server runs): returns the problem, or None when the value is fine.
pub type LiveCheck = fn(&str) -> Option<Text>;

/// A labelled text input with hint and error message.
#[component]
pub fn TextField(
    lang: Lang,
    /// Field name: the form parameter and the element id.
    name: &'static str,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    value: RwSignal<String>,
    #[prop(into)] server_error: Signal<Option<Text>>,
    #[prop(optional)] live_check: Option<LiveCheck>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] width_class: Option<&'static str>,
) -> impl IntoView {
    // An empty hint is no hint (wrappers pass theirs on as they got it).
    let hint = hint.filter(|h| !h.zh.is_empty() || !h.en.is_empty());
    // Checked after the first blur, then on every keystroke.
    let touched = RwSignal::new(false);
    let typed_since_server = RwSignal::new(false);
    Effect::new(move |_| {
        server_error.track();
        typed_since_server.set(false);
    });
    let message = Signal::derive(move || {
        let live = if touched.get() {
            live_check.and_then(|check| {
                let v = value.get();
                if v.trim().is_empty() {
                    None
                } else {
                    check(&v)
                }
            })
        } else {
            None
        };
        live.or_else(|| {
            if typed_since_server.get() {
                None
            } else {
                server_error.get()
            }
        })
    });
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(error_id.clone());
            }
            if ids.is_empty() {
                None
            } else {
                Some(ids.join(" "))
            }
        }
    };
    let input_class = format!("input {}", width_class.unwrap_or(""));
    let input = NodeRef::<leptos::html::Input>::new();
    adopt_typed_value(input, move |el| {
        let typed = el.value();
        let kept = value.get_untracked();
        if typed.is_empty() && !kept.is_empty() {
            // The island brought back what was typed before a reload.
            el.set_value(&kept);
            return;
        }
        if typed != kept {
            // Typed before the page was ready: check it now, unless the
            // person is still typing in it.
            let focused = el
                .owner_document()
                .and_then(|d| d.active_element())
                .is_some_and(|a| a == ***el);
            if !typed.is_empty() && !focused {
                touched.set(true);
            }
            value.set(typed);
        }
    });
    // Later changes the island makes to the value (bringing back what was
    // typed before a reload) show in the input; typing itself is a no-op here.
    Effect::new(move |first_run_done: Option<()>| {
        let v = value.get();
        if first_run_done.is_some() {
            if let Some(el) = input.get_untracked() {
                if el.value() != v {
                    el.set_value(&v);
                }
            }
        }
    });
    view! {
        <div class=move || group_class(message.get().is_some())>
            <label class="label" for=name>
                {label.get(lang).to_string()}
            </label>
            {hint.map(|h| view! { <div class="hint" id=hint_id.clone()>{h.get(lang).to_string()}</div> })}
            <p class="error-message" id=error_id.clone() aria-live="polite">
                {move || {
                    message
                        .get()
                        .map(|m| {
                            view! {
                                <span class="visually-hidden">{lang.pick("错误：", "Error: ")}</span>
                                {m.get(lang).to_string()}
                            }
                        })
                }}
            </p>
            <input
                class=input_class
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength.map(|m| m.to_string())
                spellcheck="false"
                aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                aria-describedby=described
                node_ref=input
                value=value.get_untracked()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    typed_since_server.set(true);
                }
                on:blur=move |_| touched.set(true)
            />
        </div>
    }
}

/// A set of radio buttons.
#[component]
pub fn RadioGroup(
    lang: Lang,
    name: &'static str,
    legend: Text,
    #[prop(optional)] hint: Option<Text>,
    options: Vec<(&'static str, Text)>,
    value: RwSignal<String>,
    #[prop(into)] server_error: Signal<Option<Text>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    view! {
        <div class=move || group_class(server_error.get().is_some())>
            <fieldset class="fieldset" id=name aria-describedby=error_id.clone()>
                <legend class="fieldset__legend">{legend.get(lang).to_string()}</legend>
                {hint.map(|h| view! { <div class="hint">{h.get(lang).to_string()}</div> })}
                <p class="error-message" id=error_id.clone() aria-live="polite">
                    {move || server_error.get().map(|m| m.get(lang).to_string())}
                </p>
                <div class="radios">
                    {options
                        .into_iter()
                        .map(|(code, text)| {
                            let id = format!("{name}-{code}");
                            let input = NodeRef::<leptos::html::Input>::new();
                            adopt_typed_value(input, move |el| {
                                if el.checked() && value.get_untracked() != code {
                                    value.set(code.to_string());
                                }
                            });
                            view! {
                                <div class="radios__item">
                                    <input
                                        class="radios__input"
                                        type="radio"
                                        id=id.clone()
                                        name=name
                                        value=code
                                        node_ref=input
                                        checked=value.get_untracked() == code
                                        on:change=move |_| value.set(code.to_string())
                                    />
                                    <label class="radios__label" for=id>
                                        {text.get(lang).to_string()}
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// Inputs are uncontrolled: the server renders the starting value and the
/// signal follows what the person types. A person on a slow phone may type
/// before the page has hydrated; once it has, this reads what is already in
/// the input (`adopt`) so nothing typed is lost or ignored.
pub fn adopt_typed_value(
    input: NodeRef<leptos::html::Input>,
    adopt: impl Fn(&leptos::web_sys::HtmlInputElement) + 'static,
) {
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            adopt(&el);
        }
    });
}

/// A server function called from an island's form: its last answer and
/// whether a call is under way. Leptos's `ServerAction` would also look for
/// an error carried in the page's address (`?__err=`, Base64 of JSON), and
/// so put a Base64 decoder into every phone's download; the platform never
/// reads an error from the address ([`crate::ui::form_error`]), so an
/// island calls its server function through a plain action.
pub type FormAction<S> = Action<
    S,
    Result<<S as leptos::server_fn::ServerFn>::Output, <S as leptos::server_fn::ServerFn>::Error>,
>;

/// A new [`FormAction`] for the server function `S`.
pub fn form_action<S>() -> FormAction<S>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Action::new(|input: &S| S::run_on_client(input.clone()))
}

/// The error to show: the last answer of the action, or — before any —
/// the error a no-JavaScript post came back with.
pub fn latest_error<A, T>(
    action: FormAction<A>,
    initial: Option<AppError>,
) -> Signal<Option<AppError>>
where
    A: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => initial.clone(),
    })
}

/// The class of a form group, red-bordered when it has an error.
pub fn group_class(has_error: bool) -> &'static str {
    if has_error {
        "form-group form-group--error"
    } else {
        "form-group"
    }
}

/// Sends the browser to another page (after a successful submission).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// What a refused plain form had typed (kept by the server for a minute in
/// [`TYPED_FORM_COOKIE`](crate::features::request::TYPED_FORM_COOKIE); read once, then cleared).
pub fn typed_values() -> Vec<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        use crate::features::request::TYPED_FORM_COOKIE;
        let Some(value) = crate::features::accounts::session::take_cookie(TYPED_FORM_COOKIE) else {
            return Vec::new();
        };
        form_urlencoded::parse(value.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Vec::new()
    }
}

/// The value typed for `name`, or empty.
pub fn typed_value(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A field's value signal, filled with what was typed for it.
pub fn typed(values: &[(String, String)], name: &str) -> RwSignal<String> {
    RwSignal::new(typed_value(values, name))
}

/// The step where the SMS code someone received is typed for a record
/// (`id`): the code form posting to `confirm` (its refusal shown with it),
/// "send another code" posting to `resend`, and what else the step offers
/// (`more`: withdrawing, say).
pub fn code_step(
    lang: Lang,
    id: i64,
    confirm: &'static str,
    button: (&'static str, &'static str),
    resend: &'static str,
    more: AnyView,
) -> AnyView {
    let error = Signal::stored(crate::ui::form_error_from_url(confirm));
    let label = Text::new("验证码", "Code");
    view! {
        <form class="form" method="post" action=confirm novalidate>
            <ErrorSummary lang error labels=vec![("code", label.clone())] />
            <input type="hidden" name="id" value=id.to_string() />
            <TextField lang name="code" label=label value=RwSignal::new(String::new())
                server_error=server_problem(error, "code") width_class="input--w5"
                inputmode="numeric" autocomplete="one-time-code" />
            <button class="button" type="submit">{lang.pick(button.0, button.1)}</button>
        </form>
        <div class="actions">
            <form class="action-form" method="post" action=resend>
                <input type="hidden" name="id" value=id.to_string() />
                <button class="button button--secondary" type="submit">{lang.pick("重新发送验证码", "Send another code")}</button>
            </form>
            {more}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_value_is_found_by_name_and_missing_ones_are_empty() {
        let values = vec![("login_name".to_string(), "调度员".to_string())];
        assert_eq!(typed_value(&values, "login_name"), "调度员");
        assert_eq!(typed_value(&values, "unit_code"), "");
    }
}
