import "@/lib/ui/pages.css";
import "./options.css";
import { mountOptionsPage } from "@/lib/options/options-page";

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("The options page has no #app element.");
mountOptionsPage(app);
