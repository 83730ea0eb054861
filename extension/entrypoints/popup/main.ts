import "@/lib/ui/pages.css";
import "./popup.css";
import { mountPopupPage } from "@/lib/popup/popup-page";

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("The popup page has no #app element.");
void mountPopupPage(app);
