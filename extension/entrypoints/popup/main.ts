import "@/lib/ui/pages.css";
import "./popup.css";
import { mountPopupPage } from "@/lib/popup/popup-page";

void mountPopupPage(document.querySelector<HTMLElement>("#app")!);
