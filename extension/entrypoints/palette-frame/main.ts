import "@/lib/palette/palette.css";
import { mountPaletteFrame } from "@/lib/palette/palette-frame";

mountPaletteFrame(document.querySelector<HTMLElement>("#palette")!);
