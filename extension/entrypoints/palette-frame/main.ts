import "@/lib/palette/palette.css";
import { mountPaletteFrame } from "@/lib/palette/palette-frame";

const palette = document.querySelector<HTMLElement>("#palette");
if (!palette) throw new Error("The palette frame has no #palette element.");
mountPaletteFrame(palette);
