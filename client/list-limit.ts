/** How many setups a listing shows unless asked for more (a leaf, so trunkctl's help loads nothing heavy). */
export const DEFAULT_LIST_LIMIT = 200;
