//! Forms that keep faith with the person filling them in: errors beside
//! the field they concern (`aria-invalid`, `aria-describedby`), what was
//! typed still there after a server-side error, with or without
//! JavaScript, and a clean form after success.
//!
//! Without JavaScript a form posts to its server function, which answers
//! with a redirect back. When it failed, the server (`server/src/
//! form_echo.rs`) keeps the typed values and the error in the session as a
//! [`FormEcho`] instead of leaving them in the URL, and hands them to the
//! next page render, which gives them to the form's action through
//! [`form_action`]. The same echo rides on `<body data-echo>` so the
//! hydrating page starts from what the server rendered.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A failed plain form post: which server function, what was typed (never
/// a password), and the error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEcho {
    /// The server function's path, e.g. `/api/create_badge`.
    pub action: String,
    pub values: Vec<(String, String)>,
    pub error: AppError,
}

impl FormEcho {
    /// Fields never kept: a password must be typed again.
    pub fn keeps(field: &str) -> bool {
        let f = field.to_ascii_lowercase();
        !(f.contains("password") || f.contains("secret") || f.contains("token"))
    }
}

#[derive(Clone, Copy)]
struct EchoSlot(StoredValue<Option<FormEcho>>);

/// Offers `echo` to the forms of the page being rendered (the App does
/// this once, on the server from the request and in the browser from the
/// body attribute).
pub fn provide_echo(echo: Option<FormEcho>) {
    provide_context(EchoSlot(StoredValue::new(echo)));
}

/// What a failed plain post typed into a form, to put back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// The typed value, else `fallback` (the stored value of an edit form).
    pub fn or(&self, name: &str, fallback: impl Into<String>) -> String {
        self.get(name).unwrap_or_else(|| fallback.into())
    }
}

/// The server action for `S`, already holding the error of a failed plain
/// post of this form, and what was typed into it. The echo is taken, so it
/// shows once.
pub fn form_action<S>() -> (ServerAction<S>, Typed)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    let echo = use_context::<EchoSlot>().and_then(|slot| {
        slot.0.try_update_value(|e| if e.as_ref().is_some_and(|e| e.action == S::PATH) { e.take() } else { None })
    });
    match echo.flatten() {
        Some(echo) => {
            action.value().set(Some(Err(echo.error)));
            (action, Typed(echo.values))
        }
        None => (action, Typed::default()),
    }
}

/// The server action for `S`, holding the error of a failed plain post of
/// its form if the page was rendered after one. Every page creates its
/// actions with this (or [`form_action`], to put typed values back too).
pub fn action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    form_action::<S>().0
}

/// Empties `form` once `action` succeeds, so the next entry starts clean.
pub fn reset_on_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_)))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
}

/// The messages `error` has for `field`, as one sentence.
pub fn field_message(error: &Option<AppError>, field: &str) -> Option<String> {
    match error {
        Some(AppError::Invalid(list)) => {
            let m: Vec<&str> = list.iter().filter(|(f, _)| f == field).map(|(_, m)| m.as_str()).collect();
            (!m.is_empty()).then(|| m.join("; "))
        }
        _ => None,
    }
}

/// The attributes an input takes beyond its name and value.
#[derive(Clone, Debug, Default)]
pub struct InputKind {
    pub kind: &'static str,
    pub required: bool,
    pub maxlength: Option<u32>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub placeholder: Option<&'static str>,
}

impl InputKind {
    pub fn text() -> Self {
        Self { kind: "text", ..Self::default() }
    }
    pub fn url() -> Self {
        Self { kind: "url", ..Self::default() }
    }
    pub fn number(min: i64, max: i64) -> Self {
        Self { kind: "number", min: Some(min), max: Some(max), ..Self::default() }
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn maxlength(mut self, n: u32) -> Self {
        self.maxlength = Some(n);
        self
    }
    pub fn placeholder(mut self, p: &'static str) -> Self {
        self.placeholder = Some(p);
        self
    }
}

/// A labelled input whose error, if the last submission had one for it,
/// stands right under it and is tied to it for screen readers. The message
/// reads as a sentence starting with the label ("Image URL must start with
/// https://").
#[component]
pub fn Field(
    /// Unique on the page: the form's id.
    #[prop(into)]
    form: String,
    label: &'static str,
    name: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] input: Option<InputKind>,
    #[prop(optional, into)] class: Option<&'static str>,
) -> impl IntoView {
    let input = input.unwrap_or_else(InputKind::text);
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let message = Memo::new(move |_| field_message(&error.get(), name));
    let label_for = id.clone();
    // The message stands outside the label, so the field's name stays its
    // label alone; aria-describedby ties the message to it.
    view! {
        <div class=format!("field {}", class.unwrap_or_default())>
            <label for=label_for>{label}</label>
            <input
                id=id
                name=name
                type=input.kind
                value=value
                required=input.required
                maxlength=input.maxlength.map(|n| n.to_string())
                min=input.min.map(|n| n.to_string())
                max=input.max.map(|n| n.to_string())
                placeholder=input.placeholder
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby={
                    let error_id = error_id.clone();
                    move || message.get().map(|_| error_id.clone())
                }
            />
            {
                let error_id = error_id.clone();
                move || message.get().map(|m| view! {
                    <small class="field-error" id=error_id.clone() data-field=name>{format!("{label} {m}")}</small>
                })
            }
        </div>
    }
}

/// What a form's error says that no field shows: a summary when fields
/// are marked, else the whole message.
#[component]
pub fn FormProblems(#[prop(into)] error: Signal<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let text = match &e {
                AppError::Invalid(list) => {
                    let elsewhere: Vec<String> = list
                        .iter()
                        .filter(|(f, _)| !fields.contains(&f.as_str()))
                        .map(|(f, m)| if f.is_empty() { m.clone() } else { format!("{f} {m}") })
                        .collect();
                    let marked = list.len() - elsewhere.len();
                    let mut parts = Vec::new();
                    if marked > 0 {
                        parts.push(if marked == 1 {
                            "One field needs attention: see the message beside it.".to_owned()
                        } else {
                            format!("{marked} fields need attention: see the messages beside them.")
                        });
                    }
                    parts.extend(elsewhere);
                    parts.join(" ")
                }
                other => other.to_string(),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    }
}
