// How Exotel's lists are read: pages of a fixed size, one request each. A leaf, so the client that walks the pages
// and the drift scan that pays for them agree on what a list costs.

/** Exotel's server enforces an unpublished maximum page size; 50 is its default and always accepted. */
export const EXOTEL_PAGE_SIZE = 50;

/** The requests reading a list of `items` cost at most: a page each 50, and the short (or empty) last one. */
export const pagesFor = (items: number): number => Math.floor(items / EXOTEL_PAGE_SIZE) + 1;
