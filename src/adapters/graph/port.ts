/** The graph port: what the checks and commands need from it. (Filled in by its issue.) */
// biome-ignore lint/suspicious/noEmptyInterface: placeholder until the adapter lands
export interface GraphPort {}
