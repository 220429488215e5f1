//! Views drawn once and never changed (a poll's results, the header, a
//! card's text, the ballot's review and receipt), as plain data: a
//! tree of [`Node`]s, a Leptos view like any other.
//!
//! Leptos's typed views compile to code for every element type and every
//! combination of attributes and children, which is most of the download;
//! a view with nothing reactive in it needs none of that, and as data it
//! costs a few calls per element. Text is always set as text, never parsed
//! as markup.

use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::renderer::Rndr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

const SVG: &str = "http://www.w3.org/2000/svg";

pub enum Node {
    Element(Element),
    Text(String),
}

pub struct Element {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

/// An element `tag` with no attributes or children yet.
pub fn el(tag: &'static str) -> Element {
    Element {
        tag,
        attrs: Vec::new(),
        children: Vec::new(),
    }
}

impl Element {
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Element {
        self.attrs.push((name, value.into()));
        self
    }

    pub fn child(mut self, child: impl Into<Node>) -> Element {
        self.children.push(child.into());
        self
    }

    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> Element {
        self.children.extend(children);
        self
    }

    /// The DOM element, made by Leptos's own renderer (so it fails only
    /// where any Leptos element would: a tag name that is not one).
    fn to_dom(&self, svg: bool) -> web_sys::Element {
        let svg = svg || self.tag == "svg";
        let element = Rndr::create_element(self.tag, svg.then_some(SVG));
        for (name, value) in &self.attrs {
            Rndr::set_attribute(&element, name, value);
        }
        for child in &self.children {
            let node: web_sys::Node = match child {
                Node::Text(t) => Rndr::create_text_node(t).into(),
                Node::Element(e) => e.to_dom(svg).into(),
            };
            Rndr::insert_node(&element, &node, None);
        }
        element
    }
}

impl From<Element> for Node {
    fn from(e: Element) -> Node {
        Node::Element(e)
    }
}

impl From<String> for Node {
    fn from(t: String) -> Node {
        Node::Text(t)
    }
}

impl From<&str> for Node {
    fn from(t: &str) -> Node {
        Node::Text(t.to_owned())
    }
}

// An element tree is a Leptos view like any other (`{tree}` in `view!`),
// drawn in the same pass as the view around it. The widget renders in the
// browser only (Leptos's `csr`): nothing asks it for HTML or hydrates it.

impl Render for Element {
    type State = web_sys::Element;

    fn build(self) -> web_sys::Element {
        self.to_dom(false)
    }

    fn rebuild(self, state: &mut web_sys::Element) {
        let new = self.to_dom(false);
        let _ = state.replace_with_with_node_1(&new);
        *state = new;
    }
}

leptos::tachys::no_attrs!(Element);

impl RenderHtml for Element {
    type AsyncOutput = Self;
    type Owned = Self;
    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self {
        self
    }

    fn to_html_with_buf(
        self,
        _buf: &mut String,
        _position: &mut Position,
        _escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        _cursor: &Cursor,
        _position: &PositionState,
    ) -> web_sys::Element {
        self.build()
    }

    fn into_owned(self) -> Self {
        self
    }
}
