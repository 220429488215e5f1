//! Views drawn once and never changed (a poll's results), as plain data: a
//! tree of [`Node`]s that [`prepend_on_load`] makes into DOM nodes.
//!
//! Leptos's typed views compile to code for every element type and every
//! combination of attributes and children, which is most of the download;
//! a view with nothing reactive in it needs none of that, and as data it
//! costs a few calls per element. Text is always set as text, never parsed
//! as markup.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

    fn to_dom(&self, document: &web_sys::Document, svg: bool) -> Option<web_sys::Element> {
        let svg = svg || self.tag == "svg";
        let element = match svg {
            true => document.create_element_ns(Some(SVG), self.tag),
            false => document.create_element(self.tag),
        }
        .ok()?;
        for (name, value) in &self.attrs {
            element.set_attribute(name, value).ok()?;
        }
        for child in &self.children {
            match child {
                Node::Text(t) => element.append_with_str_1(t).ok()?,
                Node::Element(e) => {
                    element
                        .append_child(&e.to_dom(document, svg)?.into())
                        .ok()?;
                }
            }
        }
        Some(element)
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

/// Puts `tree` at the start of the element of `parent` once it is drawn,
/// before what Leptos draws in it.
pub fn prepend_on_load<E>(parent: NodeRef<E>, tree: Vec<Element>)
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    parent.on_load(move |parent| {
        let parent: &web_sys::Element = parent.unchecked_ref();
        let document = document();
        let first = parent.first_child();
        for element in &tree {
            if let Some(built) = element.to_dom(&document, false) {
                let _ = parent.insert_before(&built, first.as_ref());
            }
        }
    });
}
