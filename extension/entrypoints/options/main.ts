import "@/lib/ui/pages.css";
import "./options.css";
import { mountOptionsPage } from "@/lib/options/options-page";

mountOptionsPage(document.querySelector<HTMLElement>("#app")!);
