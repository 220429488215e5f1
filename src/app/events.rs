//! DOM events the widget dispatches on its host element, for the city's
//! own scripts (`plaza:ready`, `plaza:error`, …).

use js_sys::{Object, Reflect};
use web_sys::{CustomEvent, CustomEventInit, Element};

/// Dispatches `name` on `host`, bubbling and crossing shadow boundaries,
/// with `detail` as a plain object of strings.
pub fn dispatch(host: &Element, name: &str, detail: &[(&str, &str)]) {
    let object = Object::new();
    for (k, v) in detail {
        let _ = Reflect::set(&object, &(*k).into(), &(*v).into());
    }
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&object);
    match CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(event) => {
            let _ = host.dispatch_event(&event);
        }
        Err(e) => web_sys::console::error_2(&"Plaza: could not create event".into(), &e),
    }
}
