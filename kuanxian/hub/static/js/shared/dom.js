// Building DOM nodes without ever parsing HTML: every piece of data becomes a text node.

/**
 * Create an element. `props` keys:
 *   class: string | string[]       text: string (the element's only text)
 *   attrs: {name: value}           data: {key: value} (dataset)
 *   on: {event: handler}           any other key is set as a property (hidden, disabled, type, value...)
 * Children: nodes, strings (as text), numbers, arrays, or null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue;
    if (key === "class") {
      const names = Array.isArray(value) ? value.filter(Boolean) : String(value).split(/\s+/).filter(Boolean);
      node.classList.add(...names);
    } else if (key === "text") {
      node.textContent = String(value);
    } else if (key === "attrs") {
      for (const [name, v] of Object.entries(value)) {
        if (v === false || v === null || v === undefined) continue;
        node.setAttribute(name, v === true ? "" : String(v));
      }
    } else if (key === "data") {
      for (const [name, v] of Object.entries(value)) {
        if (v !== undefined && v !== null) node.dataset[name] = String(v);
      }
    } else if (key === "on") {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else {
      node[key] = value;
    }
  }
  append(node, children);
  return node;
}

/** Append children (see h) to a node. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace all children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** A text node (for clarity where a string could be mistaken for markup). */
export function text(value) {
  return document.createTextNode(value === null || value === undefined ? "" : String(value));
}

/** Show or hide with the `hidden` attribute. */
export function show(node, visible) {
  node.hidden = !visible;
  return node;
}

/** A definition list from [label, value] pairs; values may be nodes or strings. */
export function facts(pairs, className = "kx-facts") {
  return h("dl", { class: className },
    pairs.filter(Boolean).map(([label, value]) => h("div", { class: "kx-fact" }, h("dt", { text: label }), h("dd", {}, value))));
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = "kx") {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Debounce a function; the returned function has .cancel(). */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}
